// cluster-key-slot (ioredis's own slot function) ships no types: it maps a key to its Redis Cluster slot.
declare module 'cluster-key-slot' {
  export default function calculateSlot(key: string | Buffer): number;
}
