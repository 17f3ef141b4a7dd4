import { TextField } from '@gatehouse/ui';
import type { FormErrors } from '../forms/form-errors';
import { LIMIT_FIELDS, type NumericLimitName } from './limit-fields';

/** One input per numeric limit, empty meaning unlimited: the plan dialog's and the approval dialog's. */
export function LimitInputs({
  values,
  onChange,
  errors,
  disabled,
  hint,
  autoFocus = false,
  className,
}: {
  values: Record<NumericLimitName, string>;
  onChange: (name: NumericLimitName, value: string) => void;
  errors: FormErrors;
  disabled: boolean;
  /** A line under a field, e.g. the plan's value the approval overrides. */
  hint?: (name: NumericLimitName) => string;
  /** Focus the first field when the dialog opens. */
  autoFocus?: boolean;
  className: string;
}) {
  return (
    <div className={className}>
      {LIMIT_FIELDS.map((field, index) => (
        <TextField
          key={field.name}
          label={field.label}
          name={field.name}
          inputMode={field.kind === 'usd' ? 'decimal' : 'numeric'}
          autoComplete="off"
          value={values[field.name]}
          onChange={(event) => onChange(field.name, event.target.value)}
          placeholder="Unlimited"
          hint={hint?.(field.name)}
          error={errors[`limits.${field.name}`]}
          disabled={disabled}
          autoFocus={autoFocus && index === 0}
        />
      ))}
    </div>
  );
}
