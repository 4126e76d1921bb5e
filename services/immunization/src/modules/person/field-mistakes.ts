import { AppError, badInput, ErrorCode } from '@victori/shared';

/**
 * Every field's mistake of one submission together (issue 18: a form shows them all at once, not one per
 * round trip): each check runs, a BAD_USER_INPUT it throws is kept, and `throwIfAny` throws one error naming
 * the first field with `extensions.fields` listing them all, in both languages, as booking does.
 */
export class FieldMistakes {
  private readonly found: { field: string; message: string; messageEn: string }[] = [];

  check<T>(run: () => T): T | undefined {
    try {
      return run();
    } catch (error) {
      const ext = error instanceof AppError ? error.extensions : undefined;
      if (ext?.code !== ErrorCode.BAD_USER_INPUT || typeof ext.field !== 'string') throw error;
      this.found.push({ field: ext.field, message: String(ext.messageId), messageEn: String(ext.messageEn) });
      return undefined;
    }
  }

  throwIfAny(): void {
    const first = this.found[0];
    if (first) throw badInput(first.field, { id: first.message, en: first.messageEn }, { fields: this.found });
  }
}
