/** One style sheet for the report and the call pages, inlined in each (the pages open from disk, offline). */
export const REPORT_CSS = `
:root{--ink:#1d2433;--muted:#5b6478;--line:#e3e7ef;--bg:#f6f7fb;--card:#fff;--accent:#3559e0;
--good:#1f9d6a;--warn:#d98a00;--bad:#d6453d;--info:#5b6478;--agent:#3559e0;--customer:#c2410c}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
header.top{background:#141a2e;color:#fff;padding:18px 32px}
header.top h1{margin:0;font-size:20px;font-weight:650;letter-spacing:.2px}
header.top .sub{color:#aeb6cc;font-size:13px;margin-top:2px}
header.top a{color:#c9d4ff}
nav.sections{position:sticky;top:0;z-index:5;background:#fff;border-bottom:1px solid var(--line);padding:0 32px;display:flex;gap:18px;overflow-x:auto}
nav.sections a{display:block;padding:10px 0;color:var(--muted);font-size:13px;white-space:nowrap}
main{max-width:1280px;margin:0 auto;padding:20px 32px 60px}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 20px;margin:0 0 18px}
section h2{margin:0 0 12px;font-size:16px}
section h3{margin:14px 0 8px;font-size:14px;color:var(--muted);font-weight:600}
.grid{display:grid;gap:18px}.grid.two{grid-template-columns:repeat(auto-fit,minmax(420px,1fr))}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-top:14px}
.kpi{border:1px solid var(--line);border-radius:8px;padding:10px 12px;background:#fbfcfe}
.kpi .v{font-size:22px;font-weight:650}.kpi .l{color:var(--muted);font-size:12px}
.summary p{margin:0 0 8px;font-size:15px;max-width:75ch}
.running{margin:0 0 8px;padding-left:20px;max-width:75ch}
.running li{margin:0 0 6px}
.running .when{font-variant-numeric:tabular-nums;font-weight:600;margin-right:4px}
.muted{color:var(--muted)}.small{font-size:12px}
.badge{display:inline-block;border-radius:999px;padding:1px 8px;font-size:11px;font-weight:600;text-transform:uppercase;letter-spacing:.3px}
.badge.critical,.badge.negative,.badge.fail,.badge.unresolved,.badge.overdue{background:#fde8e7;color:var(--bad)}
.badge.warning,.badge.mixed,.badge.partially_resolved,.badge.due,.badge.kept_late{background:#fff3dc;color:#9a6200}
.badge.info,.badge.neutral,.badge.not_applicable,.badge.open{background:#eef0f5;color:var(--info)}
.badge.positive,.badge.pass,.badge.resolved,.badge.kept{background:#e2f5ec;color:var(--good)}
ul.alerts{list-style:none;margin:0;padding:0}
ul.alerts li{padding:10px 0;border-top:1px solid var(--line)}ul.alerts li:first-child{border-top:0}
ul.alerts .calls{font-size:12px;margin-top:4px;color:var(--muted)}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600;font-size:12px;white-space:nowrap;user-select:none}
th.sortable{cursor:pointer}th.sortable:hover{color:var(--ink)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.table-tools{display:flex;gap:10px;align-items:center;margin-bottom:8px}
.table-tools input{flex:1;max-width:320px;padding:6px 10px;border:1px solid var(--line);border-radius:6px;font:inherit}
.pager{display:flex;gap:8px;align-items:center;justify-content:flex-end;margin-top:8px;font-size:12px;color:var(--muted)}
.pager button{font:inherit;border:1px solid var(--line);background:#fff;border-radius:6px;padding:3px 10px;cursor:pointer}
.pager button:disabled{opacity:.4;cursor:default}
.chart svg{display:block;width:100%;height:auto}
.chart .legend{display:flex;flex-wrap:wrap;gap:12px;font-size:12px;color:var(--muted);margin-top:4px}
.chart .legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.bar-row{display:grid;grid-template-columns:minmax(120px,220px) 1fr 60px;gap:8px;align-items:center;font-size:13px;margin:3px 0}
.bar-row .track{background:#eef1f7;border-radius:4px;height:14px;overflow:hidden}
.bar-row .fill{height:100%;background:var(--accent);border-radius:4px}
.bar-row .n{text-align:right;font-variant-numeric:tabular-nums;color:var(--muted)}
.empty{color:var(--muted);font-style:italic}
/* call page */
.call-layout{display:grid;grid-template-columns:minmax(0,1.6fr) minmax(300px,1fr);gap:18px}
@media (max-width:960px){.call-layout{grid-template-columns:1fr}}
.turn{display:grid;grid-template-columns:86px 46px 1fr;gap:8px;padding:6px 8px;border-radius:6px;border-left:3px solid transparent}
.turn.playable{cursor:pointer}.turn.playable:hover{background:#f3f5fb}
.turn.agent{border-left-color:var(--agent)}.turn.customer{border-left-color:var(--customer)}
.turn.playing{background:#eaf0ff}.turn.target{outline:2px solid var(--accent)}
.turn .who{font-weight:600;font-size:12px}.turn.agent .who{color:var(--agent)}.turn.customer .who{color:var(--customer)}
.turn .time{color:var(--muted);font-size:12px;font-variant-numeric:tabular-nums}
.turn p{margin:0}
mark{background:#fff1a8;border-radius:3px;padding:0 1px}
.insight{padding:8px 0;border-top:1px solid var(--line)}.insight:first-child{border-top:0}
.insight .label{font-weight:600}.insight .ev{display:block;font-size:12px;color:var(--muted);margin-top:2px}
audio{width:100%;margin-top:4px}
.audio-note{font-size:12px;color:var(--muted)}
`;
