import { classifyCategory, type CategoryCode } from '../incidents/taxonomy.ts';
import type { Position } from './common.ts';

export interface ReportMedia {
  url: string;
  type: 'image' | 'video';
}

/**
 * A citizen's report from any channel (Hue-S phản ánh hiện trường, a hotline ticket), ready for enrichment
 * (priority, agency, deadline) and dedupe. `reporter` is personal data (Decree 13/2023/NĐ-CP): it is stored,
 * but masked for every role that does not need it and never leaves in open data.
 */
export interface NormalisedReport {
  channel: 'hue_s' | 'hotline' | 'open311';
  /** The source's own id (Hue-S id, hotline ticket_id, the Open311 request's token): with `channel` the idempotency key. */
  sourceId: string;
  category: CategoryCode;
  /** What the source sent as the category, for the operator when the mapping fell back to `other`. */
  categoryText: string | null;
  title: string;
  description: string;
  position: Position | null;
  wardCode: string | null;
  wardVia: 'position' | 'address' | null;
  address: string | null;
  media: ReportMedia[];
  reporter: { name: string | null; phone: string | null };
  urgent: boolean;
  /** When the citizen made the report (the source's clock). */
  createdAt: Date;
  /** When the IOC received it: the SLA clock runs from here. */
  receivedAt: Date;
  /** Hotline: the agent who took the call. */
  agent: string | null;
}

/** A title for a report that has none: the first sentence or 120 characters of the description. */
export function titleFrom(description: string): string {
  const firstLine = description.split('\n')[0] ?? '';
  const sentence = /^(.{10,120}?[.!?])(\s|$)/u.exec(firstLine)?.[1] ?? firstLine;
  return sentence.length <= 120 ? sentence : `${sentence.slice(0, 119).trimEnd()}…`;
}

/**
 * The category of a report: the label the citizen or agent picked when it maps to one of ours (by code, label or
 * its words; "Khác" stays `other`), else what the title and description say, as the app's list may hold labels
 * we do not know yet.
 */
export function categoryOfReport(label: string | null | undefined, ...texts: string[]): CategoryCode {
  const byLabel = classifyCategory(label);
  if (byLabel.via !== 'fallback') return byLabel.code;
  return classifyCategory(texts.join('\n')).code;
}
