import { OPEN_DATA_DATASETS, type OpenDataDataset, type OpenDataFormat } from '@hue-ioc/layers';
import { DATASETS, type DatasetDefinition } from './datasets.ts';
import { MEDIA_TYPES } from './open-data.service.ts';

/**
 * The metadata a portal harvests (issue 14): a DCAT-AP catalogue as JSON-LD, CKAN's package_list and
 * package_show (what a CKAN harvester asks), and the human index page. All are written from DATASETS, so
 * the files, their field lists and their descriptions cannot disagree.
 */

/** Creative Commons Attribution 4.0: reuse with attribution, the usual licence of government open data. */
export const LICENCE = {
  id: 'CC-BY-4.0',
  url: 'https://creativecommons.org/licenses/by/4.0/',
  title: 'Creative Commons Attribution 4.0 International (CC BY 4.0)',
  vi: 'Giấy phép Creative Commons Ghi công 4.0 Quốc tế (CC BY 4.0): được sao chép, phân phối và sử dụng lại, kể cả cho mục đích thương mại, với điều kiện ghi rõ nguồn “Trung tâm IOC Huế”.',
};

export const PUBLISHER = {
  name: 'Trung tâm Giám sát, điều hành đô thị thông minh thành phố Huế (IOC Huế)',
  nameEn: 'Huế Smart City Monitoring and Operations Centre (IOC)',
};

/** Huế's extent (the 40 phường/xã of 2025), as WKT and GeoJSON for dct:spatial. */
const HUE_BBOX = [107.35, 16.2, 107.85, 16.75] as const;
const HUE_POLYGON = {
  type: 'Polygon',
  coordinates: [
    [
      [HUE_BBOX[0], HUE_BBOX[1]],
      [HUE_BBOX[2], HUE_BBOX[1]],
      [HUE_BBOX[2], HUE_BBOX[3]],
      [HUE_BBOX[0], HUE_BBOX[3]],
      [HUE_BBOX[0], HUE_BBOX[1]],
    ],
  ],
};

const FILE: Record<OpenDataDataset, string> = {
  incidents: 'incidents',
  observations: 'observations',
  kpis: 'kpis',
};
const EXT: Record<OpenDataFormat, string> = { csv: 'csv', geojson: 'geojson' };

export const downloadPath = (d: OpenDataDataset, f: OpenDataFormat) => `/open-data/${FILE[d]}.${EXT[f]}`;

const DATASET_MODIFIED = '2026-12-01';

/** The temporal coverage each dataset offers (what the database keeps: raw 90 days, rollups 5 years). */
const TEMPORAL: Record<OpenDataDataset, string> = {
  incidents: 'từ khi hệ thống vận hành / since the system went live',
  observations: '5 năm gần nhất (số liệu theo giờ) / last 5 years (hourly rollups)',
  kpis: '5 năm gần nhất / last 5 years',
};

function distribution(base: string, def: DatasetDefinition, format: OpenDataFormat) {
  const url = `${base}${downloadPath(def.id, format)}`;
  return {
    '@type': 'dcat:Distribution',
    '@id': `${url}#distribution`,
    'dct:title': `${def.title.vi} (${format.toUpperCase()})`,
    'dcat:accessURL': { '@id': `${base}/open-data/` },
    'dcat:downloadURL': { '@id': url },
    'dcat:mediaType': {
      '@id': `https://www.iana.org/assignments/media-types/${MEDIA_TYPES[format].split(';')[0]}`,
    },
    'dct:format': format === 'csv' ? 'CSV' : 'GeoJSON',
    'dct:license': { '@id': LICENCE.url },
    'dct:description':
      format === 'csv'
        ? 'UTF-8 có BOM, phân tách bằng dấu phẩy, xuống dòng CRLF, dòng đầu là tên cột; tham số from, to (ngày hoặc thời điểm, giờ Việt Nam).'
        : 'GeoJSON (RFC 7946), toạ độ WGS 84; tham số from, to.',
  };
}

export function dcatCatalog(base: string) {
  return {
    '@context': {
      dcat: 'http://www.w3.org/ns/dcat#',
      dct: 'http://purl.org/dc/terms/',
      foaf: 'http://xmlns.com/foaf/0.1/',
      vcard: 'http://www.w3.org/2006/vcard/ns#',
      xsd: 'http://www.w3.org/2001/XMLSchema#',
      locn: 'http://www.w3.org/ns/locn#',
    },
    '@id': `${base}/open-data/catalog.json`,
    '@type': 'dcat:Catalog' as const,
    'dct:title': 'Dữ liệu mở của Trung tâm IOC Huế',
    'dct:description':
      'Dữ liệu mở về phản ánh hiện trường (đã ẩn danh), quan trắc cảm biến và chỉ số đô thị thông minh của thành phố Huế.',
    'dct:language': { '@id': 'http://publications.europa.eu/resource/authority/language/VIE' },
    'dct:publisher': { '@type': 'foaf:Agent', 'foaf:name': PUBLISHER.name },
    'dct:license': { '@id': LICENCE.url },
    'foaf:homepage': { '@id': `${base}/open-data/` },
    'dcat:dataset': OPEN_DATA_DATASETS.map((id) => {
      const def = DATASETS[id];
      return {
        '@type': 'dcat:Dataset',
        '@id': `${base}/open-data/#${id}`,
        'dct:identifier': `hue-ioc-${id}`,
        'dct:title': def.title.vi,
        'dct:description': def.description.vi,
        'dcat:keyword': def.keywords,
        'dct:language': { '@id': 'http://publications.europa.eu/resource/authority/language/VIE' },
        'dct:publisher': { '@type': 'foaf:Agent', 'foaf:name': PUBLISHER.name },
        'dcat:contactPoint': { '@type': 'vcard:Organization', 'vcard:fn': PUBLISHER.name },
        'dct:license': { '@id': LICENCE.url },
        'dct:accrualPeriodicity': {
          '@id': 'http://publications.europa.eu/resource/authority/frequency/CONT',
        },
        'dct:modified': { '@value': DATASET_MODIFIED, '@type': 'xsd:date' },
        'dct:temporal': { '@type': 'dct:PeriodOfTime', 'dct:description': TEMPORAL[id] },
        'dct:spatial': {
          '@type': 'dct:Location',
          'dct:identifier': 'VN-46',
          'locn:geometry': {
            '@value': JSON.stringify(HUE_POLYGON),
            '@type': 'https://www.iana.org/assignments/media-types/application/vnd.geo+json',
          },
          'dcat:bbox': `POLYGON((${HUE_BBOX[0]} ${HUE_BBOX[1]}, ${HUE_BBOX[2]} ${HUE_BBOX[1]}, ${HUE_BBOX[2]} ${HUE_BBOX[3]}, ${HUE_BBOX[0]} ${HUE_BBOX[3]}, ${HUE_BBOX[0]} ${HUE_BBOX[1]}))`,
        },
        'dcat:landingPage': { '@id': `${base}/open-data/#${id}` },
        'dcat:distribution': def.formats.map((f) => distribution(base, def, f)),
        // The fields, for people and for portals that show a data dictionary.
        'dct:conformsTo': {
          '@type': 'dct:Standard',
          'dct:title': `Cột dữ liệu / fields: ${def.fields.map((f) => f.name).join(', ')}`,
        },
      };
    }),
  };
}

// ---- CKAN action API (the subset a CKAN harvester reads: ckanext-harvest's CKAN harvester) -----------

export const ckanHelp = (base: string, action: string) =>
  `${base}/open-data/api/3/action/help_show?name=${action}`;

export function ckanPackageList(): string[] {
  return OPEN_DATA_DATASETS.map((id) => `hue-ioc-${id}`);
}

export function ckanPackage(base: string, name: string) {
  const id = OPEN_DATA_DATASETS.find((d) => `hue-ioc-${d}` === name || d === name);
  if (!id) return null;
  const def = DATASETS[id];
  return {
    id: `hue-ioc-${id}`,
    name: `hue-ioc-${id}`,
    title: def.title.vi,
    notes: def.description.vi,
    license_id: 'cc-by',
    license_title: LICENCE.title,
    license_url: LICENCE.url,
    organization: { name: 'hue-ioc', title: PUBLISHER.name },
    author: PUBLISHER.name,
    maintainer: PUBLISHER.name,
    state: 'active',
    type: 'dataset',
    private: false,
    metadata_modified: `${DATASET_MODIFIED}T00:00:00`,
    url: `${base}/open-data/#${id}`,
    tags: def.keywords.map((k) => ({ name: k })),
    extras: [
      { key: 'spatial', value: JSON.stringify(HUE_POLYGON) },
      { key: 'temporal', value: TEMPORAL[id] },
      { key: 'language', value: 'vi' },
      {
        key: 'fields',
        value: JSON.stringify(def.fields.map(({ name: n, type, vi, en }) => ({ name: n, type, vi, en }))),
      },
    ],
    num_resources: def.formats.length,
    resources: def.formats.map((f) => ({
      id: `hue-ioc-${id}-${f}`,
      name: `${def.title.vi} (${f.toUpperCase()})`,
      url: `${base}${downloadPath(id, f)}`,
      format: f === 'csv' ? 'CSV' : 'GeoJSON',
      mimetype: MEDIA_TYPES[f].split(';')[0],
      description: f === 'csv' ? 'UTF-8 (BOM), CRLF' : 'RFC 7946',
    })),
  };
}

// ---- the index page -------------------------------------------------------------------------------

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const TYPE_VI: Record<string, string> = {
  string: 'chuỗi',
  integer: 'số nguyên',
  number: 'số (dấu chấm thập phân)',
  datetime: 'thời điểm ISO 8601 (+07:00)',
};

const EXAMPLES: Record<OpenDataDataset, string[]> = {
  incidents: [
    'incidents.csv?from=2026-11-01&to=2026-11-30',
    'incidents.geojson?from=2026-11-01&category=drainage',
  ],
  observations: [
    'observations.csv?from=2026-11-01&to=2026-11-07',
    'observations.csv?interval=day&kind=water_level&from=2026-10-01',
  ],
  kpis: [
    'kpis.csv?from=2026-01-01&to=2026-11-30',
    'kpis.csv?interval=hour&scope_level=province&from=2026-11-01',
  ],
};

export function indexPage(): string {
  const sections = OPEN_DATA_DATASETS.map((id) => {
    const def = DATASETS[id];
    const rows = def.fields
      .map(
        (f) =>
          `<tr><td><code>${esc(f.name)}</code></td><td>${esc(TYPE_VI[f.type] ?? f.type)}</td><td>${esc(f.vi)}</td><td lang="en">${esc(f.en)}</td></tr>`,
      )
      .join('\n');
    const files = def.formats
      .map(
        (f) =>
          `<a href="${esc(downloadPath(id, f))}">${esc(downloadPath(id, f).slice('/open-data/'.length))}</a>`,
      )
      .join(' · ');
    const examples = EXAMPLES[id]
      .map((e) => `<li><a href="/open-data/${esc(e)}"><code>/open-data/${esc(e)}</code></a></li>`)
      .join('');
    return `<section id="${id}">
<h2>${esc(def.title.vi)} <small lang="en">${esc(def.title.en)}</small></h2>
<p>${esc(def.description.vi)}</p>
<p>Tệp: ${files}. Tải trực tiếp tối đa ${def.maxDays({})} ngày mỗi lần${id === 'observations' ? ' (theo giờ; theo ngày: 1830 ngày)' : ''}; khoảng dài hơn: tạo yêu cầu xuất dữ liệu.</p>
<p>Ví dụ:</p><ul>${examples}</ul>
<table><thead><tr><th>Cột</th><th>Kiểu</th><th>Mô tả</th><th lang="en">Description</th></tr></thead><tbody>
${rows}
</tbody></table>
</section>`;
  }).join('\n');
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dữ liệu mở – IOC Huế</title>
<link rel="alternate" type="application/ld+json" href="/open-data/catalog.json">
<style>body{font-family:system-ui,sans-serif;max-width:72rem;margin:0 auto;padding:1rem;line-height:1.5;color:#1b1f24}
table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5f7}code{font-size:.85rem}small{color:#57606a;font-weight:normal}section{margin-top:2rem}</style></head>
<body>
<h1>Dữ liệu mở của Trung tâm IOC Huế</h1>
<p>${esc(PUBLISHER.name)} công bố các bộ dữ liệu dưới đây để người dân, doanh nghiệp và cơ quan sử dụng lại. Dữ liệu phản ánh đã được ẩn danh theo Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân.</p>
<h2>Giấy phép</h2>
<p><a href="${LICENCE.url}" rel="license">${esc(LICENCE.title)}</a>. ${esc(LICENCE.vi)}</p>
<h2>Cách dùng</h2>
<ul>
<li>Tham số <code>from</code>, <code>to</code>: ngày (<code>2026-11-01</code>) hoặc thời điểm (<code>2026-11-01T08:00</code>, <code>2026-11-01T08:00:00+07:00</code>); không ghi múi giờ thì hiểu là giờ Việt Nam (UTC+7). Ngày ở <code>to</code> được tính trọn ngày. Mặc định: ${DATASETS.incidents.defaultDays} ngày gần nhất (quan trắc: ${DATASETS.observations.defaultDays} ngày).</li>
<li>CSV: mã UTF-8 có BOM (mở thẳng bằng Excel), dấu phẩy phân tách, xuống dòng CRLF, dòng đầu là tên cột; số dùng dấu chấm thập phân; thời điểm theo ISO 8601 với <code>+07:00</code>.</li>
<li>Khoảng thời gian dài: <code>POST /open-data/exports</code> với <code>{"dataset":"observations","from":"2026-01-01","to":"2026-06-30"}</code>, theo dõi tại <code>GET /open-data/exports/{id}</code>, tải tệp tại <code>/open-data/exports/{id}/file</code> khi trạng thái là <code>done</code> (tệp được giữ 24 giờ).</li>
<li>Siêu dữ liệu: <a href="/open-data/catalog.json">DCAT (JSON-LD)</a> · CKAN: <a href="/open-data/api/3/action/package_list">package_list</a>, <a href="/open-data/api/3/action/package_show?id=hue-ioc-incidents">package_show</a> · <a href="/docs">OpenAPI</a>.</li>
</ul>
${sections}
</body></html>
`;
}
