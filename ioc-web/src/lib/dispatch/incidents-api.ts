import type {
  Agency,
  AssignBody,
  AttachmentUploadResult,
  CommentBody,
  IncidentDetail,
  IncidentPage,
  MergeBody,
  ResponseTemplate,
  SplitBody,
  StatusBody,
  Ward,
} from '@hue-ioc/layers';
import { request, type List } from '$lib/console/api';
import { filterToParams, type QueueFilter } from './filters';

/**
 * The incident workflow's REST calls (issue 12; payload types from layers/src/api/incidents.ts). Every
 * change sends the version the user saw (`expectedVersion`): a case someone else changed meanwhile answers
 * 409 IOC_INCIDENT_STALE and the view shows what changed (stale.ts).
 */
export interface ActionResult {
  incident: IncidentDetail;
  created?: string;
}

const enc = encodeURIComponent;

export const incidentsApi = {
  page: (filter: QueueFilter, opts: { cursor?: string; limit?: number } = {}) => {
    const p = filterToParams(filter, { forApi: true });
    if (opts.cursor) p.set('cursor', opts.cursor);
    p.set('limit', String(opts.limit ?? 200));
    return request<IncidentPage>('GET', `/api/incidents?${p.toString()}`);
  },
  /** Free-text search for the merge picker. */
  search: (q: string, limit = 10) =>
    request<IncidentPage>(
      'GET',
      `/api/incidents?${new URLSearchParams({ q, limit: String(limit), sort: '-received' }).toString()}`,
    ),
  get: (id: string) => request<IncidentDetail>('GET', `/api/incidents/${enc(id)}`),
  assign: (id: string, body: AssignBody) =>
    request<ActionResult>('POST', `/api/incidents/${enc(id)}/assign`, { body }),
  status: (id: string, body: StatusBody) =>
    request<ActionResult>('POST', `/api/incidents/${enc(id)}/status`, { body }),
  merge: (id: string, body: MergeBody) =>
    request<ActionResult>('POST', `/api/incidents/${enc(id)}/merge`, { body }),
  split: (id: string, body: SplitBody) =>
    request<ActionResult>('POST', `/api/incidents/${enc(id)}/split`, { body }),
  comment: (id: string, body: CommentBody) =>
    request<ActionResult>('POST', `/api/incidents/${enc(id)}/comments`, { body }),
  /**
   * Uploads one file; `published`: part of the public reply (the citizen sees it). The upload is a change of
   * the case: the answer carries its new version, which the next action must send.
   */
  attach: (id: string, file: File, published = false) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return request<AttachmentUploadResult>(
      'POST',
      `/api/incidents/${enc(id)}/attachments${published ? '?public=true' : ''}`,
      { body: form },
    );
  },
  templates: (category: string) =>
    request<{ items: ResponseTemplate[] }>('GET', `/api/response-templates?category=${enc(category)}`),
  agencies: () => request<List<Agency>>('GET', '/api/agencies'),
  wards: () => request<List<Ward>>('GET', '/api/wards'),
};
