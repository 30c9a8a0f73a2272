import {
  addToFailing,
  addToSender,
  addToSums,
  emptyFailing,
  emptySums,
  mergeFailing,
  mergeSenders,
  mergeSums,
  type FailingSums,
  type RecordSums,
  type SenderAcc,
} from './aggregate.ts';
import type { Collector } from './core.ts';
import { addToIps, mergeIps, type IpFigures } from './enrich/group.ts';
import { UNKNOWN_SENDER, type SenderClassifier } from './senders.ts';
import type { DmarcRecord } from './types.ts';

/*
 * What the records of one run of files add up to, so that the CLI's two threads need not send each other their
 * records: each adds up the runs it read as it reads them, and the runs' figures are joined in run order, which
 * gives what adding up all the records in that order gives (sums add, sets join, a sender keeps what it was first
 * seen as). Only the records that nothing identifies travel as they are: the IP table splits them by network.
 * Each thread keeps no record: where two reports are copies of one, the runs holding them are read again
 * (`summariseRuns`).
 */
export interface RunFigures {
  /** Reports in the run's collector: where the next run's report indexes start. */
  reports: number;
  sums: RecordSums;
  senders: Map<string, SenderAcc>;
  failing: FailingSums;
  ips: IpFigures;
  /** Records of the Unknown sender; `report` indexes the run's reports (after joining, all the reports). */
  unknown: DmarcRecord[];
}

/** A run's figures: of every report in it, or of those `isCounted` (by index in the run) says count. */
export function figuresOf(
  c: Collector,
  classifier: Pick<SenderClassifier, 'identify' | 'forgetOrganisations'>,
  isCounted: (report: number) => boolean = () => true,
): RunFigures {
  classifier.forgetOrganisations();
  const f: RunFigures = {
    reports: c.reports.length,
    sums: emptySums(),
    senders: new Map(),
    failing: emptyFailing(),
    ips: new Map(),
    unknown: [],
  };
  for (let i = 0; i < c.reports.length; i++) {
    if (!isCounted(i)) continue;
    const orgName = c.reports[i]!.orgName;
    for (const r of c.recordsByReport[i]!) {
      const who = classifier.identify(r);
      addToSums(f.sums, r);
      addToSender(f.senders, who, r, orgName);
      addToFailing(f.failing, r, who.kind);
      addToIps(f.ips, r);
      if (who.key === UNKNOWN_SENDER.key) {
        r.report = i;
        f.unknown.push(r);
      }
    }
  }
  return f;
}

/** The runs' figures joined in order (the first run's are taken over and added to). */
export function joinFigures(runs: readonly RunFigures[]): RunFigures {
  const all: RunFigures = {
    reports: 0,
    sums: emptySums(),
    senders: new Map(),
    failing: emptyFailing(),
    ips: new Map(),
    unknown: [],
  };
  for (const f of runs) {
    mergeSums(all.sums, f.sums);
    mergeSenders(all.senders, f.senders);
    mergeFailing(all.failing, f.failing);
    mergeIps(all.ips, f.ips);
    for (const r of f.unknown) {
      r.report += all.reports;
      all.unknown.push(r);
    }
    all.reports += f.reports;
  }
  return all;
}
