export default async function globalTeardown(): Promise<void> {
  await globalThis.gatehouseE2eStack?.stop();
}
