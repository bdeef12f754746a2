import { join } from 'node:path';
import fp from 'fastify-plugin';
import {
  AttachmentService,
  directUpdater,
  type IncidentUpdater,
} from '../../attachments/attachment.service.ts';
import { AttachmentRepository } from '../../storage/attachment.repository.ts';
import { DiskAttachmentStore, type AttachmentStore } from '../../storage/attachment.store.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Incidents' attachments (issue 12, item 4): upload checks, the store, the listing of a case. */
    attachments: AttachmentService;
  }
}

/**
 * Attachments: the files under DATA_DIR/attachments (content-addressed; an object store can replace
 * DiskAttachmentStore behind the same port), recorded on the case through the workflow.
 */
export default fp(
  async (app) => {
    const store: AttachmentStore = new DiskAttachmentStore(join(app.config.dataDir, 'attachments'));
    const direct = directUpdater(app.db);
    // The workflow loads after this plugin; it is looked up on each upload.
    const updater = (): IncidentUpdater => (app as { workflow?: IncidentUpdater }).workflow ?? direct;
    app.decorate(
      'attachments',
      new AttachmentService({ db: app.db, repo: new AttachmentRepository(app.db), store, updater }),
    );
  },
  { name: 'attachments', dependencies: ['config', 'db', 'repositories'] },
);
