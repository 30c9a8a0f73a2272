import { mount } from 'svelte';
import App from './App.svelte';
import { appUpdate } from './shell/app-update.svelte.ts';
import './app.css';

/**
 * Another site must not show this app in a frame (clickjacking: buttons under a decoy). Hosts that send our headers
 * refuse it with frame-ancestors already; on hosts that cannot (GitHub Pages, a file share) the page refuses here.
 */
function framedByAnotherSite(): boolean {
  if (window.top === window.self) return false;
  try {
    return window.top!.location.origin !== location.origin;
  } catch {
    return true;
  }
}

const target = document.getElementById('app')!;
if (framedByAnotherSite()) {
  const p = document.createElement('p');
  p.style.margin = '1rem';
  p.append('Hybrid Toolbox does not run inside another site. ');
  const a = document.createElement('a');
  a.href = location.href;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  a.textContent = 'Open it in its own tab';
  p.append(a, '.');
  target.replaceChildren(p);
} else {
  mount(App, { target });
  void appUpdate.start();
}
