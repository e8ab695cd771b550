import type { RiskLevel } from '../schema/insights.js';

/** The level of a 0-100 escalation risk (high from 65, medium from 35); `unknown` for no risk. */
export function riskLevelOf(risk: number | null): RiskLevel {
  if (risk === null) return 'unknown';
  return risk >= 65 ? 'high' : risk >= 35 ? 'medium' : 'low';
}
