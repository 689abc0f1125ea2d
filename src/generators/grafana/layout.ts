// Grid positions from the spec's rows: a row header, then panels flowing left to right over
// Grafana's 24 columns, wrapping when a panel does not fit. A panel's position depends only on
// the panels before it in its row and on the rows above, so unrelated edits leave it in place.
import type { DashboardModel, PanelModel } from "../../model/types.js";

export const GRID_COLUMNS = 24;
export const ROW_HEIGHT = 1;

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface LaidOutRow {
  title: string;
  collapsed: boolean;
  gridPos: GridPos;
  panels: { panel: PanelModel; gridPos: GridPos }[];
}

export function layoutDashboard(dash: DashboardModel): LaidOutRow[] {
  let y = 0;
  return dash.rows.map((row) => {
    const rowPos = { x: 0, y, w: GRID_COLUMNS, h: ROW_HEIGHT };
    y += ROW_HEIGHT;
    let x = 0;
    let lineHeight = 0;
    const panels = row.panels.map((panel) => {
      if (x + panel.width > GRID_COLUMNS) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      const gridPos = { x, y, w: panel.width, h: panel.height };
      x += panel.width;
      lineHeight = Math.max(lineHeight, panel.height);
      return { panel, gridPos };
    });
    y += lineHeight;
    return { title: row.title, collapsed: row.collapsed ?? false, gridPos: rowPos, panels };
  });
}
