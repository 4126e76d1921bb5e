import type { ESLint, Linter } from 'eslint';

export declare const LEGACY_SQL: string[];
export declare const LEGACY_POLICY: string[];
export declare const shapePlugin: ESLint.Plugin;
export declare const shapeConfigs: Linter.Config[];
