import { useState } from 'preact/hooks';
import { useClient, useQuery } from '@urql/preact';
import type { Mistakes } from '../../errors.js';
import { ErrorSummary, t, useLanguage } from '../../ui.js';
import type { AccountRole, StaffAccountsQuery } from './gql/graphql.js';
import { AdminFacilities, CreateStaffAccount, StaffAccounts, UpdateStaffAccount } from './operations.js';
import { BoardNav, Status } from './common.js';
import { Field, mistakesOf, noMistakes } from './form.js';

const ROLES: AccountRole[] = ['HEALTH_WORKER', 'ADMIN', 'PARTNER'];
type Account = StaffAccountsQuery['staffAccounts']['edges'][number]['node'];

function FacilitySelect(props: { id: string; value: string; onChange: (v: string) => void; label?: string }) {
  const [facilities] = useQuery({ query: AdminFacilities });
  return (
    <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)} aria-label={props.label}>
      <option value="">{t('board.noFacility')}</option>
      {(facilities.data?.facilities.edges.map((e) => e.node) ?? []).map((f) => (
        <option key={f.id} value={f.id}>
          {f.name}
        </option>
      ))}
    </select>
  );
}

function AccountRow(props: { account: Account; onDone: (message: string) => void }) {
  const lang = useLanguage();
  const client = useClient();
  const a = props.account;
  const [v, setV] = useState({ role: a.role, facilityId: a.facilityId ?? '', active: a.active !== false });
  const [mistake, setMistake] = useState<string>();
  const changed = v.role !== a.role || v.facilityId !== (a.facilityId ?? '') || v.active !== (a.active !== false);
  const save = async () => {
    const r = await client
      .mutation(UpdateStaffAccount, { id: a.id, input: { role: v.role, facilityId: v.facilityId || null, active: v.active } })
      .toPromise();
    const m = mistakesOf(r.error, lang);
    setMistake([...m.fields.map((f) => f.message), ...m.general].join(' ') || undefined);
    if (r.data) props.onDone(t('board.accountSaved', { name: a.username }));
  };
  return (
    <tr data-testid="account-row">
      <th scope="row">{a.username}</th>
      <td>{a.displayName}</td>
      <td>
        <select
          aria-label={t('board.roleOf', { name: a.username })}
          value={v.role}
          onChange={(e) => setV({ ...v, role: e.currentTarget.value as AccountRole })}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`board.role.${r}`)}
            </option>
          ))}
        </select>
      </td>
      <td>
        <FacilitySelect
          id={`fac-${a.id}`}
          label={t('board.facilityOf', { name: a.username })}
          value={v.facilityId}
          onChange={(facilityId) => setV({ ...v, facilityId })}
        />
      </td>
      <td>
        <input
          type="checkbox"
          aria-label={t('board.activeOf', { name: a.username })}
          checked={v.active}
          onChange={(e) => setV({ ...v, active: e.currentTarget.checked })}
        />
      </td>
      <td>{a.totpEnabled ? t('board.yes') : t('board.no')}</td>
      <td>
        <button
          type="button"
          class="button secondary small"
          disabled={!changed}
          onClick={() => void save()}
          aria-label={t('board.saveAccount', { name: a.username })}
        >
          {t('board.save')}
        </button>
        {mistake && (
          <span class="error-message" role="alert">
            {mistake}
          </span>
        )}
      </td>
    </tr>
  );
}

/** Staff accounts (admins, through identity): who has which role at which facility. */
export function StaffPage(): preact.JSX.Element {
  const lang = useLanguage();
  const client = useClient();
  const [res, refetch] = useQuery({ query: StaffAccounts, requestPolicy: 'cache-and-network' });
  const [status, setStatus] = useState<string>();
  const [mistakes, setMistakes] = useState<Mistakes>(noMistakes);
  const [v, setV] = useState({ username: '', displayName: '', password: '', role: 'HEALTH_WORKER' as AccountRole, facilityId: '' });
  const done = (message: string) => {
    setStatus(message);
    refetch({ requestPolicy: 'network-only' });
  };
  const create = async (e: Event) => {
    e.preventDefault();
    const r = await client
      .mutation(CreateStaffAccount, {
        input: {
          username: v.username,
          password: v.password,
          role: v.role,
          facilityId: v.facilityId || null,
          displayName: v.displayName || null,
        },
      })
      .toPromise();
    setMistakes(mistakesOf(r.error, lang));
    if (r.data) {
      setV({ username: '', displayName: '', password: '', role: v.role, facilityId: v.facilityId });
      done(t('board.accountCreated', { name: r.data.createStaffAccount.username }));
    }
  };
  return (
    <div class="board">
      <BoardNav current="/board/staff" />
      <h1 tabIndex={-1}>{t('board.staffTitle')}</h1>
      <Status message={status} />
      <div class="table-wrap" tabIndex={0}>
        <table class="dense">
          <caption>{t('board.staffCaption', { n: res.data?.staffAccounts.totalCount ?? 0 })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('board.username')}</th>
              <th scope="col">{t('board.name')}</th>
              <th scope="col">{t('board.roleLabel')}</th>
              <th scope="col">{t('board.facility')}</th>
              <th scope="col">{t('board.active')}</th>
              <th scope="col">TOTP</th>
              <th scope="col">
                <span class="visually-hidden">{t('board.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(res.data?.staffAccounts.edges ?? []).map(({ node: a }) => (
              <AccountRow key={`${a.id}:${a.role}:${a.facilityId}:${a.active}`} account={a} onDone={done} />
            ))}
          </tbody>
        </table>
      </div>
      <form class="board-panel" onSubmit={(e) => void create(e)} noValidate aria-labelledby="new-account-title">
        <h2 id="new-account-title">{t('board.newAccount')}</h2>
        <ErrorSummary mistakes={mistakes} />
        <div class="grid">
          <Field name="username" id="na-username" label={t('board.username')} mistakes={mistakes}>
            <input
              id="na-username"
              autoComplete="off"
              value={v.username}
              onInput={(e) => setV({ ...v, username: e.currentTarget.value })}
            />
          </Field>
          <Field name="displayName" id="na-name" label={t('board.name')} mistakes={mistakes}>
            <input id="na-name" value={v.displayName} onInput={(e) => setV({ ...v, displayName: e.currentTarget.value })} />
          </Field>
          <Field name="password" id="na-password" label={t('board.password')} hint={t('board.passwordHint')} mistakes={mistakes}>
            <input
              id="na-password"
              type="password"
              autoComplete="new-password"
              value={v.password}
              onInput={(e) => setV({ ...v, password: e.currentTarget.value })}
            />
          </Field>
          <Field name="role" id="na-role" label={t('board.roleLabel')} mistakes={mistakes}>
            <select id="na-role" value={v.role} onChange={(e) => setV({ ...v, role: e.currentTarget.value as AccountRole })}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`board.role.${r}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field name="facilityId" id="na-facility" label={t('board.facility')} mistakes={mistakes}>
            <FacilitySelect id="na-facility" value={v.facilityId} onChange={(facilityId) => setV({ ...v, facilityId })} />
          </Field>
        </div>
        <button class="button" type="submit">
          {t('board.create')}
        </button>
      </form>
    </div>
  );
}
