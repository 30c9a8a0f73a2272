// Page-side (reads the theme from the DOM), so it sits with the views, outside the no-DOM core check.
import { cssColor } from '../../lib/ui/css-color.ts';
import { STATUS_COLORS } from './status-colors.ts';

/** A `light-dark()` pair as canvas code can use it: only an element's computed colour resolves it. */
function resolve(light: string, dark: string): string {
  const probe = document.createElement('span');
  probe.style.display = 'none';
  probe.style.color = `light-dark(${light}, ${dark})`;
  document.body.append(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color;
}

/** Status colours for the current theme, so charts read the same in light and dark. */
export function statusColor(status: string): string {
  const pair = STATUS_COLORS[status];
  return pair ? resolve(pair.light, pair.dark) : cssColor('--border');
}

export const themeColor = cssColor;
