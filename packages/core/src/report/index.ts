export * from './conversation-formats.js';
export { CSV_BOM, csvCell, csvColumns, csvHeader, csvLine } from './csv.js';
export { type CallPageOptions, renderCallPage } from './html/call-page.js';
export { renderReportPage } from './html/report-page.js';
export * from './report-folder.js';
export * from './transcript-formats.js';
export * from './write-reports.js';
