import { t } from '../ui.js';
import { ComplaintFormPage } from './complaint-form.js';
import { ComplaintsPage } from './complaints.js';
import { FaqPage } from './faq.js';
import { QueuePage } from './queue.js';
import { SurveyPage, SurveysPage } from './survey.js';
import './feedback.css';

/** /faq, /complaints, /complaints/new, /complaints/queue (staff), /survey, /survey/<token> (no account needed). */
export function FeedbackRoutes(props: { parts: string[] }): preact.JSX.Element {
  const [first, second] = props.parts;
  if (first === 'faq') return <FaqPage />;
  if (first === 'survey') return second ? <SurveyPage token={second} /> : <SurveysPage />;
  if (second === 'new') return <ComplaintFormPage />;
  if (second === 'queue') return <QueuePage />;
  if (second === undefined) return <ComplaintsPage />;
  return <h1 tabIndex={-1}>{t('notFound')}</h1>;
}
