import fp from 'fastify-plugin';
import { OutboxRepository, type OutboxStatus } from '../../storage/outbox.repository.ts';
import { messagesFor, type OutboxChannel } from '../../outbox/outbox-messages.ts';
import { OutboxWorker, type Sender } from '../../outbox/outbox.worker.ts';
import {
  hueSCallbackSender,
  notifierSender,
  open311CallbackSender,
  RecordingNotifier,
  type Notifier,
} from '../../outbox/senders.ts';
import { FeedbackService } from '../../incidents/feedback.service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The way back to the citizen (issue 12, items 6 and 7): the outbox table, its worker, the adapters. */
    outbox: {
      repo: OutboxRepository;
      worker: OutboxWorker;
      /** The text adapters by channel (default: RecordingNotifier, which logs and counts as delivered). */
      notifiers: Readonly<Record<'sms' | 'zalo' | 'unit_notice', Notifier>>;
    };
    /** Citizens' ratings (Hue-S feedback), the close of unrated cases, the satisfaction indicator. */
    feedback: FeedbackService;
  }
}

/** The satisfaction indicator of the KPI catalogue (layers/src/kpi.ts). */
const SATISFACTION_KPI = 'ty_le_hai_long';
/** GSO code of Thành phố Huế: the province-level scope of KPI samples. */
const PROVINCE = '46';

/**
 * The transactional outbox (ARCHITECTURE.md "Storage"; app plugin "outbox worker"): every workflow change
 * writes the messages it owes citizens and units in its own transaction (so a change is never told twice
 * nor lost), and the worker delivers them: Hue-S callbacks, texts to hotline callers, unit notices. Also the
 * citizen's side of the workflow: ratings, the close of cases nobody rated, the satisfaction KPI.
 */
export default fp(
  async (app) => {
    const { config, db, workflow, metrics } = app;
    const repo = new OutboxRepository(db);
    const logger = app.log.child({ component: 'outbox' });

    // Hue-S messages written while HUES_CALLBACK_URL was unset go out once it is set.
    const held = new Map<OutboxChannel, string>();
    if (config.huesCallbackUrl) {
      const released = await repo.releaseHeld('hue_s');
      if (released > 0) logger.info({ released }, 'outbox: held Hue-S callbacks released');
    } else {
      held.set('hue_s', 'HUES_CALLBACK_URL is not configured');
    }
    // The same for the callbacks of Open311 clients (OPEN311_CALLBACK_URL).
    if (config.open311CallbackUrl) {
      const released = await repo.releaseHeld('open311');
      if (released > 0) logger.info({ released }, 'outbox: held Open311 callbacks released');
    } else {
      held.set('open311', 'OPEN311_CALLBACK_URL is not configured');
    }

    workflow.onTransaction(async (tx, change) => {
      await repo.enqueue(tx, messagesFor(change), held);
    });

    const notifiers = {
      sms: new RecordingNotifier('sms', logger),
      zalo: new RecordingNotifier('zalo', logger),
      unit_notice: new RecordingNotifier('unit_notice', logger),
    };
    const senders: Record<OutboxChannel, Sender> = {
      hue_s: hueSCallbackSender({ url: config.huesCallbackUrl, secret: config.ingestSecrets.hueS }),
      open311: open311CallbackSender({
        url: config.open311CallbackUrl,
        secret: config.ingestSecrets.open311,
      }),
      sms: notifierSender(notifiers.sms),
      zalo: notifierSender(notifiers.zalo),
      unit_notice: notifierSender(notifiers.unit_notice),
    };
    const outcomeOf = (status: string) => (status === 'pending' ? 'retry' : status);
    let lastGauge = 0;
    const worker = new OutboxWorker({
      store: repo,
      senders,
      policy: {
        baseMs: config.outbox.retryBaseMs,
        capMs: config.outbox.retryCapMs,
        maxAttempts: config.outbox.maxAttempts,
      },
      nodeId: config.nodeId,
      logger,
      pollMs: config.outbox.pollMs,
      onSettled: (row, next) =>
        metrics.outboxDeliveries.inc({ channel: row.channel, outcome: outcomeOf(next.status) }),
      onPass: async () => {
        // At most every few seconds: one grouped count over the partial indexes.
        if (Date.now() - lastGauge < 5_000) return;
        lastGauge = Date.now();
        metrics.outboxMessages.reset();
        for (const c of await repo.counts())
          metrics.outboxMessages.set({ status: c.status as OutboxStatus, channel: c.channel }, c.n);
      },
    });
    workflow.onCommitted(() => worker.wake());

    const feedback = new FeedbackService({
      workflow,
      db,
      getIncident: (id) => app.repos.incidents.get(id),
      reopenWindowS: config.feedback.reopenWindowS,
      ratingWindowS: config.feedback.ratingWindowS,
      logger,
    });

    // The satisfaction indicator moves with every rating and close: recomputed after them, one at a time.
    let kpiRun: Promise<void> | null = null;
    let kpiAgain = false;
    const recomputeSatisfaction = () => {
      if (kpiRun) {
        kpiAgain = true;
        return;
      }
      kpiRun = (async () => {
        do {
          kpiAgain = false;
          const s = await feedback.satisfaction();
          if (!s) continue;
          const ts = new Date(Math.floor(Date.now() / 1000) * 1000);
          await app.kpis.store({
            channel: 'kpi',
            sourceId: `${SATISFACTION_KPI}:province:${PROVINCE}:${ts.toISOString()}`,
            kpi: SATISFACTION_KPI,
            scope: { level: 'province', code: PROVINCE },
            value: Math.round(s.value * 10) / 10,
            target: null,
            ts,
          });
        } while (kpiAgain);
      })()
        .catch((err: unknown) => logger.warn({ err }, 'satisfaction KPI not updated'))
        .finally(() => (kpiRun = null));
    };
    workflow.onCommitted((change) => {
      if (change.after.status === 'closed' || change.event.data.rating !== undefined) recomputeSatisfaction();
    });

    let sweep: NodeJS.Timeout | null = null;
    let sweeping: Promise<unknown> | null = null;
    const runSweep = () => {
      if (sweeping) return;
      sweeping = feedback
        .closeUnrated()
        .catch((err: unknown) => logger.warn({ err }, 'closing unrated cases failed; next sweep retries'))
        .finally(() => (sweeping = null));
    };

    app.decorate('outbox', { repo, worker, notifiers });
    app.decorate('feedback', feedback);

    app.addHook('onReady', async () => {
      worker.start();
      runSweep();
      sweep = setInterval(runSweep, config.feedback.sweepMs);
      sweep.unref();
    });
    // Before the database closes (onClose runs in reverse order of registration): the send in flight is
    // given a few seconds, then aborted and left pending for the next start.
    app.addHook('onClose', async () => {
      if (sweep) clearInterval(sweep);
      await worker.stop();
      await sweeping;
      await kpiRun;
    });
  },
  { name: 'outbox', dependencies: ['db', 'repositories', 'kpis', 'workflow'] },
);
