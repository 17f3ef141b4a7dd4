import { PageSkeleton, TableSkeleton } from '../../../../components/app/page-skeleton';

export default function Loading() {
  return (
    <PageSkeleton label="policy documents">
      <TableSkeleton rows={4} />
    </PageSkeleton>
  );
}
