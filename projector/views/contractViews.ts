import { contactReverseIndex } from './contactReverseIndex';
import { conversationReverseIndex } from './conversationReverseIndex';
import { userContactView } from './userContactView';
import { userConversationView } from './userConversationView';
import type { ContractTable, ViewShape } from './viewDefinition';

/** The four public tables of CONTRACT.md, in the contract's order. */
export const CONTRACT_VIEWS: readonly ViewShape[] = [userConversationView, userContactView, conversationReverseIndex, contactReverseIndex];

export const CONTRACT_TABLES: readonly ContractTable[] = CONTRACT_VIEWS.map((view) => view.table);

export function contractViewNamed(table: ContractTable): ViewShape {
  const view = CONTRACT_VIEWS.find((candidate) => candidate.table === table);
  if (view === undefined) throw new Error(`unknown view ${table}`);
  return view;
}
