import { useState } from 'preact/hooks';
import { useClient } from '@urql/preact';
import { t, useLanguage } from '../../ui.js';
import type { PreviewTargetsQuery } from './gql/graphql.js';
import { ImportTargets, PreviewTargets } from './operations.js';
import { BoardNav, num, Status } from './common.js';
import { mistakesOf } from './form.js';

type Preview = PreviewTargetsQuery['previewTargetImport'];

/** Targets import (admins): a CSV file or pasted text, previewed row by row, imported only when it is clean. */
export function TargetsPage(): preact.JSX.Element {
  const lang = useLanguage();
  const client = useClient();
  const [csv, setCsv] = useState('');
  const [preview, setPreview] = useState<Preview>();
  const [status, setStatus] = useState<string>();
  const [busy, setBusy] = useState(false);
  const change = (text: string) => {
    setCsv(text);
    setPreview(undefined);
  };
  const load = async (e: Event) => {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (file) change(await file.text());
  };
  const doPreview = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const r = await client.query(PreviewTargets, { csv }, { requestPolicy: 'network-only' }).toPromise();
    setBusy(false);
    const m = mistakesOf(r.error, lang);
    setStatus(m.general[0] ?? m.fields[0]?.message);
    setPreview(r.data?.previewTargetImport);
    if (r.data) {
      const p = r.data.previewTargetImport;
      setStatus(
        p.problems.length
          ? t('board.previewProblems', { n: p.problems.length })
          : t('board.previewReady', { created: p.created, updated: p.updated }),
      );
    }
  };
  const doImport = async () => {
    setBusy(true);
    const r = await client.mutation(ImportTargets, { csv }).toPromise();
    setBusy(false);
    const m = mistakesOf(r.error, lang);
    if (r.data) {
      setStatus(t('board.imported', r.data.importTargets));
      setPreview(undefined);
    } else setStatus(m.general[0] ?? m.fields[0]?.message);
  };
  return (
    <div class="board">
      <BoardNav current="/board/targets" />
      <h1 tabIndex={-1}>{t('board.targetsTitle')}</h1>
      <Status message={status} />
      <form class="board-panel" onSubmit={(e) => void doPreview(e)} noValidate>
        <div class="field">
          <label for="targets-file">{t('board.targetsFile')}</label>
          <input id="targets-file" type="file" accept=".csv,text/csv" onChange={(e) => void load(e)} />
        </div>
        <div class="field">
          <label for="targets-csv">{t('board.targetsCsv')}</label>
          <p class="hint" id="targets-hint">
            {t('board.targetsHint')}
          </p>
          <textarea id="targets-csv" aria-describedby="targets-hint" rows={8} value={csv} onInput={(e) => change(e.currentTarget.value)} />
        </div>
        <button class="button" type="submit" disabled={busy || !csv.trim()}>
          {t('board.preview')}
        </button>{' '}
        <button
          class="button"
          type="button"
          disabled={busy || !preview || preview.problems.length > 0 || preview.rows.length === 0}
          onClick={() => void doImport()}
        >
          {t('board.import')}
        </button>
      </form>
      {preview && preview.problems.length > 0 && (
        <div class="error-summary" role="alert" aria-labelledby="problems-title">
          <h2 id="problems-title">{t('board.problemsTitle', { n: preview.problems.length })}</h2>
          <ul>
            {preview.problems.map((p) => (
              <li key={`${p.field}:${p.messageEn}`} data-testid="target-problem">
                {p.field}: {lang === 'en' ? p.messageEn : p.messageId}
              </li>
            ))}
          </ul>
        </div>
      )}
      {preview && (
        <div class="table-wrap" tabIndex={0}>
          <table class="dense" id="targets-preview">
            <caption>{t('board.previewCaption', { n: preview.rows.length, created: preview.created, updated: preview.updated })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('board.line')}</th>
                <th scope="col">{t('board.area')}</th>
                <th scope="col">{t('board.programme')}</th>
                <th scope="col">{t('board.dose')}</th>
                <th scope="col">{t('board.year')}</th>
                <th scope="col">{t('board.inForce')}</th>
                <th scope="col" class="num">
                  {t('board.target')}
                </th>
                <th scope="col" class="num">
                  {t('board.currentTarget')}
                </th>
                <th scope="col">{t('board.change')}</th>
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((r) => (
                <tr key={r.row} data-testid="target-preview-row">
                  <td>{r.row}</td>
                  <th scope="row">
                    {r.areaName} <span class="hint">{r.areaCode}</span>
                  </th>
                  <td>{r.programme}</td>
                  <td>{r.dose}</td>
                  <td>{r.year}</td>
                  <td>
                    {r.effectiveFrom}
                    {r.effectiveTo ? ` – ${r.effectiveTo}` : ''}
                  </td>
                  <td class="num">{num(r.population, lang)}</td>
                  <td class="num">{num(r.currentPopulation, lang)}</td>
                  <td>{r.currentPopulation === null ? t('board.new') : t('board.replaces')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
