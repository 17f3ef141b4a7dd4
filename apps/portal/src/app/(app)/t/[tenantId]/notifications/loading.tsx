import { Skeleton } from '@gatehouse/ui';
import { PageSkeleton } from '../../../../../components/app/page-skeleton';

export default function Loading() {
  return (
    <PageSkeleton label="notifications">
      <div className="grid items-start gap-8 lg:grid-cols-3">
        <div className="divide-y divide-slate-100 rounded-2xl border border-slate-200 bg-white lg:col-span-2">
          {Array.from({ length: 4 }, (_, index) => (
            <div key={index} className="flex gap-4 px-5 py-4">
              <Skeleton className="size-9 rounded-lg" />
              <div className="flex-1 space-y-2">
                <Skeleton className="h-4 w-1/2" />
                <Skeleton className="h-4 w-5/6" />
                <Skeleton className="h-3 w-20" />
              </div>
            </div>
          ))}
        </div>
        <Skeleton className="h-64 rounded-2xl" />
      </div>
    </PageSkeleton>
  );
}
