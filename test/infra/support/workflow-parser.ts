import { register } from 'node:module';

// @actions/workflow-parser loads only with the hook that supplies its JSON import attribute.
register('./json-attribute-hook.js', import.meta.url);

const parser = await import('@actions/workflow-parser');
export const { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } = parser;
