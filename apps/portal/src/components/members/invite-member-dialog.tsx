'use client';

import { createdInvitationSchema, type MemberRole } from '@gatehouse/contracts';
import { useState } from 'react';
import { Alert, Dialog, SelectField, TextField } from '@gatehouse/ui';
import { callApi, tenantPath } from '../../lib/api/client';
import { fieldErrors, type AdminApiError } from '../../lib/api/errors';
import { FormFooter } from '../forms/form-footer';
import type { FormErrors } from '../forms/form-errors';
import { useApiForm } from '../forms/use-api-form';
import { invitationLink, ROLE_CHOICES, type RevealedInvitation } from './types';

const EMAIL_MAX = 254;
// Deliberately loose: one @, something on each side, a dot in the domain. admin-api has the last word.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function serverErrors(error: AdminApiError): FormErrors {
  if (error.code === 'already_member') return { email: 'This person is already a member of the workspace.' };
  const byField = fieldErrors(error);
  const errors: FormErrors = {};
  if (byField.email) errors.email = `Email ${byField.email}`;
  if (byField.role) errors.role = `Role ${byField.role}`;
  if (Object.keys(errors).length === 0 || error.code !== 'validation_failed') errors.form = error.message;
  return errors;
}

export function InviteMemberDialog({
  open,
  onClose,
  onInvited,
  tenantId,
  memberEmails,
}: {
  open: boolean;
  onClose: () => void;
  onInvited: (invitation: RevealedInvitation) => void;
  tenantId: string;
  /** Lower-cased, to say "already a member" before asking admin-api. */
  memberEmails: string[];
}) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Invite someone"
      description="You get a link to send them. They open it, sign in or create an account with this email, and join."
    >
      <InviteForm tenantId={tenantId} memberEmails={memberEmails} onCancel={onClose} onInvited={onInvited} />
    </Dialog>
  );
}

function InviteForm({
  tenantId,
  memberEmails,
  onCancel,
  onInvited,
}: {
  tenantId: string;
  memberEmails: string[];
  onCancel: () => void;
  onInvited: (invitation: RevealedInvitation) => void;
}) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<MemberRole>('MEMBER');
  const { errors, setErrors, submitting, send, handleSubmit } = useApiForm();

  const validate = (): FormErrors => {
    const address = email.trim().toLowerCase();
    if (!address) return { email: 'Enter the email address of the person to invite.' };
    if (address.length > EMAIL_MAX || !EMAIL_SHAPE.test(address))
      return { email: 'Enter a full email address, such as ada@example.com.' };
    if (memberEmails.includes(address)) return { email: 'This person is already a member of the workspace.' };
    return {};
  };

  const submit = async () => {
    const problems = validate();
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;

    const result = await send(
      () =>
        callApi('POST', tenantPath(tenantId, '/invitations'), {
          body: { email: email.trim(), role },
          schema: createdInvitationSchema,
        }),
      serverErrors,
    );
    if (!result.ok) return;
    onInvited({
      email: result.data.email,
      role: result.data.role,
      expiresAt: result.data.expiresAt,
      link: invitationLink(window.location.origin, result.data.token),
    });
  };

  const selected = ROLE_CHOICES.find((choice) => choice.value === role);

  return (
    <form onSubmit={handleSubmit(submit)} noValidate className="space-y-5" aria-busy={submitting || undefined}>
      <TextField
        label="Email"
        name="email"
        type="email"
        inputMode="email"
        autoComplete="off"
        spellCheck={false}
        maxLength={EMAIL_MAX}
        placeholder="ada@example.com"
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        hint="They must sign in with this address to accept."
        error={errors.email}
        disabled={submitting}
        autoFocus
      />
      <SelectField
        label="Role"
        name="role"
        value={role}
        onChange={(event) => setRole(event.target.value as MemberRole)}
        hint={selected?.description}
        error={errors.role}
        disabled={submitting}
      >
        {ROLE_CHOICES.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </SelectField>

      {errors.form && (
        <Alert tone="danger" title="The invitation was not created">
          {errors.form}
        </Alert>
      )}

      <FormFooter
        submitting={submitting}
        label="Create invitation"
        busyLabel="Creating invitation…"
        onCancel={onCancel}
      />
    </form>
  );
}
