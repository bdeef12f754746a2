import type { Agency } from '@hue-ioc/streams';
import type { Queryable } from './db.ts';

export interface AgencyRow {
  id: string;
  name_vi: string;
  name_en: string;
  short_name_vi: string | null;
  kind: string;
  ward_code: string | null;
}

export class AgencyRepository {
  constructor(private readonly db: Queryable) {}

  /** Seeds the agencies; rows an admin already has are left as they are. */
  async seed(agencies: readonly Agency[]): Promise<void> {
    if (agencies.length === 0) return;
    await this.db.query(
      `INSERT INTO agencies (id, name_vi, name_en, short_name_vi, kind, ward_code)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
       ON CONFLICT (id) DO NOTHING`,
      [
        agencies.map((a) => a.id),
        agencies.map((a) => a.nameVi),
        agencies.map((a) => a.nameEn),
        agencies.map((a) => a.shortNameVi),
        agencies.map((a) => a.kind),
        agencies.map((a) => a.wardCode ?? null),
      ],
    );
  }

  async list(): Promise<AgencyRow[]> {
    return this.db.query<AgencyRow>(
      `SELECT id, name_vi, name_en, short_name_vi, kind, ward_code FROM agencies ORDER BY kind, id`,
    );
  }
}
