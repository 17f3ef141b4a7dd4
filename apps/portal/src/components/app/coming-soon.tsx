import type { ReactNode } from 'react';
import { EmptyState, PageHeader } from '@gatehouse/ui';
import { Icon, type IconName } from '../icons';

/**
 * A section of the sidebar whose page is not built yet. It keeps every navigation link working and says plainly
 * what will be here; each page replaces it when it lands.
 */
export function ComingSoon({
  title,
  description,
  icon,
  children,
}: {
  title: string;
  description: string;
  icon: IconName;
  children?: ReactNode;
}) {
  return (
    <div className="space-y-8">
      <PageHeader title={title} description={description} />
      <EmptyState
        icon={<Icon name={icon} className="size-6" />}
        title="This page is on its way"
        description="It is not available in this version of the portal yet."
        actions={children}
      />
    </div>
  );
}
