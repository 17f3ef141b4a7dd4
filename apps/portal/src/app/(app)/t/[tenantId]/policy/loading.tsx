import { PageSkeleton } from '../../../../../components/app/page-skeleton';

export default function Loading() {
  return <PageSkeleton label="the workspace's policy" />;
}
