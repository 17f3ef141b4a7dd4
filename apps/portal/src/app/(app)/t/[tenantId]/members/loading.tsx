import { PageSkeleton, TableSkeleton } from '../../../../../components/app/page-skeleton';

export default function Loading() {
  return (
    <PageSkeleton label="members">
      <TableSkeleton rows={3} />
    </PageSkeleton>
  );
}
