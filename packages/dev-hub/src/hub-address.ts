/** Link addresses, with or without a leading "amqps://host/" as some clients send them. */
function path(address: string): string {
  return address.replace(/^[a-z]+:\/\/[^/]+\//i, '');
}

export const isCbsAddress = (address: string): boolean => path(address) === '$cbs';
export const isManagementAddress = (address: string): boolean => /(^|\/)\$management$/i.test(path(address));

/** `<hub>` or `<hub>/Partitions/<id>`. */
export function parseSendAddress(address: string): { hub: string; partitionId: string | undefined; path: string } | undefined {
  const p = path(address);
  const m = /^([^/]+)(?:\/partitions\/([^/]+))?$/i.exec(p);
  return m ? { hub: m[1]!, partitionId: m[2], path: p.toLowerCase() } : undefined;
}

/** `<hub>/ConsumerGroups/<group>/Partitions/<id>`. */
export function parseReceiveAddress(address: string): { hub: string; consumerGroup: string; partitionId: string; path: string } | undefined {
  const p = path(address);
  const m = /^([^/]+)\/consumergroups\/([^/]+)\/partitions\/([^/]+)$/i.exec(p);
  return m ? { hub: m[1]!, consumerGroup: m[2]!, partitionId: m[3]!, path: p.toLowerCase() } : undefined;
}
