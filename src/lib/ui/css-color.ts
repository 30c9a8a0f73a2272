/**
 * A theme colour as canvas code can use it. The variables hold `light-dark(…)`, which only an element's computed
 * colour resolves, so a hidden probe inherits the page's color-scheme and reports plain rgb().
 */
export function cssColor(variable: string): string {
  const probe = document.createElement('span');
  probe.style.display = 'none';
  probe.style.color = `var(${variable})`;
  document.body.append(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color;
}
