/**
 * The transparency page's one stylesheet, served same-origin at /cong-khai/kieu.css (the CSP allows
 * style-src 'self'; nothing inline). The briefing's light (print) palette, WCAG AA on white; system fonts
 * first after Be Vietnam Pro — a phone on a slow link downloads no web font (Roboto, SF and Segoe UI all
 * carry Vietnamese). Mobile first: one column, a two-column grid from 960 px.
 */
export const CONG_KHAI_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f2f5f9;color:#0b1520;font:16px/1.5 'Be Vietnam Pro',system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;overflow-wrap:anywhere}
a{color:#0b4f80}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #e69f00;outline-offset:2px}
.wrap{max-width:1200px;margin:0 auto;padding:0 16px}
.top{background:#0b4f80;color:#fff}
.top .wrap{display:flex;align-items:center;justify-content:space-between;gap:12px;min-height:56px;padding-top:8px;padding-bottom:8px}
.brand{color:#fff;text-decoration:none;display:flex;flex-direction:column;line-height:1.25}
.brand strong{font-size:1.05rem}
.brand span{font-size:.85rem;opacity:.9}
.lang{color:#fff;white-space:nowrap;padding:10px 4px}
.intro{color:#33475c;margin:16px 0}
.filters{background:#fff;border:1px solid #c9d3de;border-radius:8px;padding:12px;margin-bottom:16px}
.qrow{display:flex;align-items:flex-end;gap:8px}
.qrow .f{flex:1}
.more summary{cursor:pointer;color:#0b4f80;font-weight:600;padding:10px 0 2px;min-height:44px;display:list-item}
.sel{display:grid;grid-template-columns:1fr;gap:10px;margin:8px 0 12px}
.more>a{display:inline-block;padding:10px 0}
.f{display:flex;flex-direction:column;gap:4px;font-size:.9rem;color:#33475c;min-width:0}
.f input,.f select{font:inherit;font-size:1rem;color:#0b1520;background:#fff;border:1px solid #9aa9b9;border-radius:6px;min-height:44px;padding:8px 10px;width:100%;min-width:0}
.qrow button{font:inherit;font-weight:600;background:#0b4f80;color:#fff;border:0;border-radius:6px;min-height:44px;padding:0 24px;cursor:pointer}
.grid{display:grid;grid-template-columns:minmax(0,1fr);grid-template-areas:'map' 'list' 'figs';gap:0 16px}
.grid .m{grid-area:map}
.grid .list{grid-area:list}
.grid .s{grid-area:figs}
.card{background:#fff;border:1px solid #c9d3de;border-radius:8px;padding:12px 14px;margin-bottom:12px}
.card h1{font-size:1.3rem;margin:4px 0 8px}
.card h2{font-size:1.05rem;margin:4px 0 6px}
.card h2 a{text-decoration:none}
.card h2 a:hover{text-decoration:underline}
.meta{margin:0;font-size:.85rem;color:#33475c}
.desc{margin:4px 0 8px}
.id{margin:6px 0 0;font-size:.8rem;color:#33475c}
.badge{display:inline-block;border-radius:4px;padding:1px 8px;font-weight:600;font-size:.8rem;border:1px solid #9aa9b9;background:#f2f5f9;color:#0b1520}
.badge.open{background:#fff4d6;border-color:#b88a00;color:#5c4500}
.badge.done{background:#e3f4ea;border-color:#1b6e3c;color:#12502b}
.badge.overdue,.badge.late{background:#fde7e1;border-color:#a3280c;color:#7d1e08}
.facts{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:4px 12px;margin:8px 0;font-size:.9rem}
.facts div{min-width:0}
.facts dt{color:#33475c;font-size:.8rem}
.facts dd{margin:0}
.reply{background:#f2f5f9;border-left:4px solid #1b6e3c;padding:6px 10px;margin:8px 0;font-size:.95rem}
.count{color:#33475c;font-size:.9rem;margin:0 0 8px}
.empty{background:#fff;border:1px dashed #9aa9b9;border-radius:8px;padding:16px}
.pager{display:flex;justify-content:space-between;gap:12px;margin:8px 0 24px}
.pager a{display:inline-flex;align-items:center;min-height:44px;padding:0 16px;background:#fff;border:1px solid #9aa9b9;border-radius:6px;text-decoration:none;font-weight:600}
.pager .next{margin-left:auto}
.map{margin:0 0 16px;background:#fff;border:1px solid #c9d3de;border-radius:8px;padding:8px}
.map svg{display:block;width:100%;height:auto;max-height:240px}
.map circle{fill:#2a6fa0;stroke:#fff;stroke-width:1.5}
.map circle.open{fill:#e69f00}
.map circle.done{fill:#1b6e3c}
.map circle.overdue,.map circle.late{fill:#a3280c}
.map figcaption{font-size:.8rem;color:#33475c;margin-top:4px}
.figures{background:#fff;border:1px solid #c9d3de;border-radius:8px;padding:12px;margin-bottom:16px}
.figures h2{font-size:1rem;margin:0 0 8px}
.figures table{width:100%;border-collapse:collapse;font-size:.88rem}
.figures th,.figures td{padding:6px 4px;border-bottom:1px solid #e1e7ee;text-align:left;vertical-align:top}
.figures thead th{font-size:.8rem;color:#33475c;font-weight:600}
.figures tbody th{font-weight:400}
.figures .n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.note{font-size:.8rem;color:#33475c;margin:8px 0 0}
.timeline{list-style:none;margin:0;padding:0;border-left:3px solid #c9d3de}
.timeline li{position:relative;margin:0 0 12px;padding-left:16px}
.timeline li::before{content:'';position:absolute;left:-8px;top:6px;width:13px;height:13px;border-radius:50%;background:#0b4f80;border:2px solid #fff}
.timeline time{font-size:.85rem;color:#33475c}
.foot{font-size:.8rem;color:#33475c;padding-top:8px;padding-bottom:32px}
@media (min-width:640px){.sel{grid-template-columns:repeat(3,minmax(0,1fr))}.facts{grid-template-columns:repeat(4,minmax(0,1fr))}}
@media (min-width:960px){.sel{grid-template-columns:repeat(5,minmax(0,1fr))}.grid{grid-template-columns:minmax(0,1fr) 380px;grid-template-areas:'list map' 'list figs';grid-template-rows:auto 1fr}.grid .s{align-self:start}.map svg{max-height:none}}
`
  .trim()
  .replace(/\n/g, '');
