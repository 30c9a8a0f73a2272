import type { ToolInfo } from '../types.ts';

export const tool: ToolInfo = {
  id: 'risk-triage',
  title: 'Risk triage',
  summary:
    'Triage Identity Protection risky users and detections into a priority queue, service-desk tickets and SIEM events (CEF, ECS, Sentinel, Splunk).',
  keywords: [
    'Identity Protection',
    'risky users',
    'risk detections',
    'risky sign-ins',
    'leaked credentials',
    'password spray',
    'unfamiliar sign-in properties',
    'anonymous IP',
    'SIEM',
    'Sentinel',
    'AADUserRiskEvents',
    'Splunk',
    'HEC',
    'CEF',
    'ECS',
    'ticket',
    'Invoke-MgDismissRiskyUser',
    'Confirm-MgRiskyUserCompromised',
    'Get-MgRiskyUser',
    'Get-MgRiskDetection',
    'Entra ID P2',
    'Microsoft Graph',
  ],
  accepts: 'Graph JSON (riskyUsers, riskDetections, users, signIns) or live from Microsoft Graph',
  load: () => import('./RiskTriage.svelte'),
};
