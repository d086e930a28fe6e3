import type { ParserServices, TSESLint, TSESTree } from '@typescript-eslint/utils';
import type * as ts from 'typescript';

/** Any rule's context, whatever its message ids and options: what the shared utils take. */
export type AnyRuleContext = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;

/** The TypeScript program behind a file, when the parser was given one. */
export interface TypeServices {
  readonly program: ts.Program;
  readonly checker: ts.TypeChecker;
  readonly toTsNode: (node: TSESTree.Node) => ts.Node;
  readonly typeOf: (node: TSESTree.Node) => ts.Type;
}

/**
 * Type information when `parserOptions.project`/`projectService` is set, else undefined. Every
 * rule reads types through this one function: `ESLintUtils.getParserServices(context, true)`
 * throws when the file was parsed by another parser (espree for plain `.js`), and rules that
 * work without types must not crash there.
 */
export function getTypeServices(context: AnyRuleContext): TypeServices | undefined {
  const services: Partial<ParserServices> | undefined = context.sourceCode.parserServices;
  const program = services?.program;
  const nodeMap = services?.esTreeNodeToTSNodeMap;
  if (!program || !nodeMap) return undefined;
  const checker = program.getTypeChecker();
  return {
    program,
    checker,
    toTsNode: (node) => nodeMap.get(node),
    typeOf: (node) => checker.getTypeAtLocation(nodeMap.get(node)),
  };
}
