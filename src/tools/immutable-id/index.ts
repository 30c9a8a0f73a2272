import type { ToolInfo } from '../types.ts';

export const tool: ToolInfo = {
  id: 'immutable-id',
  title: 'ImmutableID converter',
  summary:
    'Any GUID, ImmutableID, octet string, LDAP filter or cloud SID in; every other form and a ready lookup command out.',
  keywords: [
    'ImmutableID',
    'objectGUID',
    'sourceAnchor',
    'ms-DS-ConsistencyGuid',
    'onPremisesImmutableId',
    'base64',
    'GUID',
    'LDAP filter',
    'ADSI Edit',
    'octet string',
    'cloud SID',
    'cloudAnchor',
    'connector space',
    'hard match',
    'Get-ADUser',
    'Get-MgUser',
    'csvde',
    'ldifde',
    'object id',
    'byte order',
  ],
  accepts: 'pasted IDs, many lines, or a CSV',
  load: () => import('./ImmutableId.svelte'),
};
