// Each figure is a guarantee the code keeps and its tests prove (docs/architecture.md), not a benchmark: keep them in step with it.
const points = [
  { value: '0', label: 'database queries on a warm request' },
  { value: '1', label: 'atomic step to check and reserve a budget' },
  { value: '< 1 s', label: 'to stop every key when access is revoked' },
  { value: '100%', label: 'of calls recorded, even while Redis is down' },
];

export function ProofPoints() {
  return (
    <section aria-label="Guarantees" className="border-y border-slate-200 bg-slate-50">
      <dl className="mx-auto grid max-w-7xl grid-cols-2 gap-x-6 gap-y-8 px-4 py-10 sm:px-6 lg:grid-cols-4 lg:px-8">
        {points.map((point) => (
          <div key={point.label} className="flex flex-col-reverse justify-end gap-1">
            <dt className="text-sm leading-5 text-slate-600">{point.label}</dt>
            <dd className="text-3xl font-semibold tracking-tight text-slate-950">{point.value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
