/// The page's only stylesheet, inline so the page works offline. Row colours follow HAProxy's legend in
/// the light theme; the dark theme keeps the same hues, darker.
enum HTMLStyle {
    static let css = """
    :root{color-scheme:light dark;--bg:#fff;--fg:#000;--head:#20a0ff;--headfg:#fff;--px:#b0d0ff;--cell:#f8f8f8;--line:#999;
    --active_up:#c0ffc0;--backup_up:#b0d0ff;--going_down:#ffffa0;--going_up:#ffd020;--down:#ff9090;--nocheck:#e0e0e0;
    --maintain:#c07820;--draining:#20a0ff}
    @media (prefers-color-scheme: dark){:root{--bg:#15181c;--fg:#e6e6e6;--head:#0f5a8f;--headfg:#fff;--px:#243b55;--cell:#1e2228;
    --line:#555;--active_up:#1f5f2a;--backup_up:#284a7a;--going_down:#6b6b1e;--going_up:#7a5a00;--down:#7a2424;
    --nocheck:#3a3d42;--maintain:#6b4310;--draining:#0f5a8f}}
    body{font-family:Arial,Helvetica,sans-serif;font-size:12px;background:var(--bg);color:var(--fg);margin:8px}
    h1{font-size:18px;margin:4px 0}h1 span{font-weight:normal;font-size:12px}
    table.tbl{border-collapse:collapse;margin:8px 0;border:1px solid var(--line)}
    table.tbl th,table.tbl td{border:1px solid var(--line);padding:1px 4px;text-align:right;white-space:nowrap}
    table.tbl th{background:var(--head);color:var(--headfg);font-weight:normal}
    table.tbl td.name,table.tbl th.name{text-align:left}
    table.tbl caption{text-align:left;font-weight:bold;background:var(--px);padding:2px 6px}
    tr.frontend td,tr.backend td{background:var(--cell);font-weight:bold}
    tr.active_up td{background:var(--active_up)}tr.backup_up td{background:var(--backup_up)}
    tr.going_down td{background:var(--going_down)}tr.going_up td{background:var(--going_up)}
    tr.down td{background:var(--down)}tr.nocheck td{background:var(--nocheck)}
    tr.maintain td{background:var(--maintain)}tr.draining td{background:var(--draining)}
    table.legend td{padding:1px 6px}table.legend td.swatch{width:24px;border:1px solid var(--line)}
    .msg{padding:4px;border:1px solid var(--line);display:inline-block;margin:4px 0}
    form.admin{margin:0 0 12px 0}form.admin input[type=number]{width:6em}
    svg.spark{vertical-align:middle}svg.spark polyline{fill:none;stroke:currentColor;stroke-width:1}
    """
}
