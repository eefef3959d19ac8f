import { IConstruct } from 'constructs';

/**
 * State that belongs to one construct, kept on the construct object under a registered symbol
 * instead of in a module-level map or flag. Two apps synthesized in one process (or
 * interleaved by async code) never see each other's state, and two copies of this library
 * loaded side by side (a nested node_modules) share it, because `Symbol.for` is global.
 */
export function treeState<T>(construct: IConstruct, key: string, create: () => T): T {
  const symbol = Symbol.for(`cdk8s-kserve:${key}`);
  const holder = construct as unknown as Record<symbol, T | undefined>;
  let value = holder[symbol];
  if (value === undefined) {
    value = create();
    Object.defineProperty(construct, symbol, { value, enumerable: false });
  }
  return value;
}

/** The state under `key` of a construct, when it has any. */
export function existingTreeState<T>(construct: IConstruct, key: string): T | undefined {
  return (construct as unknown as Record<symbol, T | undefined>)[Symbol.for(`cdk8s-kserve:${key}`)];
}
