/** Fixed choices (select menus) typed by their ids, so a chosen value needs no cast. */

export interface Choice<T extends string> {
  id: T;
  name: string;
}

/** The choice whose id is `value` (what a select's change event gives), typed; else `fallback`. */
export function choiceOf<T extends string>(choices: readonly Choice<T>[], value: string, fallback: T): T {
  return choices.find((c) => c.id === value)?.id ?? fallback;
}
