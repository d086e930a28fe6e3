import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

export type Loop =
  | TSESTree.DoWhileStatement
  | TSESTree.ForInStatement
  | TSESTree.ForOfStatement
  | TSESTree.ForStatement
  | TSESTree.WhileStatement;

export function isLoop(node: TSESTree.Node): node is Loop {
  switch (node.type) {
    case AST_NODE_TYPES.DoWhileStatement:
    case AST_NODE_TYPES.ForInStatement:
    case AST_NODE_TYPES.ForOfStatement:
    case AST_NODE_TYPES.ForStatement:
    case AST_NODE_TYPES.WhileStatement:
      return true;
    default:
      return false;
  }
}

/** The parts of a loop that run on every iteration (not `for` init, not the `for…of` iterable). */
export function isRepeatedPart(loop: Loop, child: TSESTree.Node): boolean {
  if (child === loop.body) return true;
  switch (loop.type) {
    case AST_NODE_TYPES.WhileStatement:
    case AST_NODE_TYPES.DoWhileStatement:
      return child === loop.test;
    case AST_NODE_TYPES.ForStatement:
      return child === loop.test || child === loop.update;
    default:
      return false;
  }
}
