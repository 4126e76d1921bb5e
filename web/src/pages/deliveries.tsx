import { formatInstant } from '../dates.js';
import { t, useLanguage } from '../ui.js';

export interface DeliveredDose {
  id: string;
  antigen: string;
  doseNumber: number;
  administeredAt: string;
  product: string | undefined;
  facility: string | undefined;
  state: string;
}

/** Each dose record and, in words, where it is on its way to SATUSEHAT (the national record). */
export function DeliveryList(props: { doses: DeliveredDose[]; id: string }): preact.JSX.Element | null {
  const lang = useLanguage();
  if (props.doses.length === 0) return null;
  return (
    <section aria-labelledby={props.id}>
      <h2 id={props.id}>{t('mine.doses')}</h2>
      <ul class="cards">
        {props.doses.map((d) => (
          <li key={d.id} class="card" data-testid="dose-record" data-state={d.state}>
            <p>
              <strong>
                {d.antigen} {d.doseNumber}
              </strong>{' '}
              · {formatInstant(d.administeredAt, lang)} · {d.product ?? '—'} · {d.facility ?? '—'}
            </p>
            <p class={`delivery delivery-${d.state.toLowerCase()}`}>
              {t('citizen.deliveryLabel')}:{' '}
              <strong data-testid="delivery">{t(`mine.delivery.${d.state}`, { defaultValue: d.state })}</strong>
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
