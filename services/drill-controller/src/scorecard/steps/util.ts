export const round = (x: number, d = 4): number => Math.round(x * 10 ** d) / 10 ** d;
export const ms = (iso: string): number => Date.parse(iso);
