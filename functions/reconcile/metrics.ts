import type { ReconcileReport } from '../../shared/provisioning/reconcile-all.js';

/** The one call of Powertools Metrics the run makes (`metrics.addMetric(name, 'Count', value)`). */
export interface CountSink {
  addMetric(name: string, unit: 'Count', value: number): void;
}

/**
 * The run's metrics, one EMF document per invocation (Powertools Metrics, flushed by its middleware; no
 * CloudWatch call), dimensions `service` and `stage`: `StoresConverged` (nothing had drifted),
 * `StoresRepaired` (drift put back), `StoresFailed` (failed, or still drifted after applying: the alarm's
 * metric), `StoresUninstalled` (torn down after an uninstall), `StoresSkipped` (permanently failed before,
 * busy, or unregistered meanwhile) and `StoresInterrupted` (the deadline came first; the next run resumes).
 * Every one is emitted, zeros too, so an alarm on a missing datapoint means the run did not end.
 */
export const publishCounts = (metrics: CountSink, report: Pick<ReconcileReport, 'counts'>) => {
  const { counts } = report;
  metrics.addMetric('StoresConverged', 'Count', counts.converged);
  metrics.addMetric('StoresRepaired', 'Count', counts.repaired);
  metrics.addMetric('StoresFailed', 'Count', counts.failed + counts.drifted);
  metrics.addMetric('StoresUninstalled', 'Count', counts.uninstalled);
  metrics.addMetric('StoresSkipped', 'Count', counts.skipped);
  metrics.addMetric('StoresInterrupted', 'Count', counts.interrupted);
};
