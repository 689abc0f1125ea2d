// A remote_write receiver for tests, on 127.0.0.1 at a free port: it accepts what Prometheus
// POSTs (a snappy-compressed protobuf prometheus.WriteRequest, remote write 1.0) and decodes it
// with a wire-format reader, so a test sees the series and samples a real Prometheus sent.
//   WriteRequest { repeated TimeSeries timeseries = 1; repeated MetricMetadata metadata = 3; }
//   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
//   Label        { string name = 1; string value = 2; }
//   Sample       { double value = 1; int64 timestamp = 2; }
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { uncompress } from "snappyjs";

export interface ReceivedSeries {
  labels: Record<string, string>;
  samples: { value: number; timestampMs: number }[];
}

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  series: ReceivedSeries[];
}

/** Reads the fields of one message, handing each wanted field to `on`, skipping the rest. */
function fields(bytes: Uint8Array, on: (field: number, reader: BinaryReader) => boolean): void {
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [field, wire] = reader.tag();
    if (!on(field, reader)) reader.skip(wire as WireType);
  }
}

function label(bytes: Uint8Array): [string, string] {
  let name = "";
  let value = "";
  fields(bytes, (field, r) => {
    if (field === 1) name = r.string();
    else if (field === 2) value = r.string();
    else return false;
    return true;
  });
  return [name, value];
}

function sample(bytes: Uint8Array): { value: number; timestampMs: number } {
  let value = 0;
  let timestampMs = 0;
  fields(bytes, (field, r) => {
    if (field === 1) value = r.double();
    else if (field === 2) timestampMs = Number(r.int64());
    else return false;
    return true;
  });
  return { value, timestampMs };
}

export function decodeWriteRequest(bytes: Uint8Array): ReceivedSeries[] {
  const series: ReceivedSeries[] = [];
  fields(bytes, (field, r) => {
    if (field !== 1) return false;
    const s: ReceivedSeries = { labels: {}, samples: [] };
    fields(r.bytes(), (f, inner) => {
      if (f === 1) {
        const [name, value] = label(inner.bytes());
        s.labels[name] = value;
      } else if (f === 2) s.samples.push(sample(inner.bytes()));
      else return false;
      return true;
    });
    series.push(s);
    return true;
  });
  return series;
}

export class RemoteWriteReceiver {
  readonly requests: ReceivedRequest[] = [];
  readonly rejected: string[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(path = "/api/v1/write"): Promise<RemoteWriteReceiver> {
    let receiver: RemoteWriteReceiver | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const problem =
          req.method !== "POST" || req.url !== path ? `${req.method} ${req.url}`
          : req.headers["content-encoding"] !== "snappy" ? `content-encoding ${req.headers["content-encoding"]}`
          : req.headers["content-type"] !== "application/x-protobuf" ? `content-type ${req.headers["content-type"]}`
          : undefined;
        if (problem !== undefined) {
          receiver?.rejected.push(problem);
          res.writeHead(400).end(problem);
          return;
        }
        try {
          receiver?.requests.push({ headers: req.headers, series: decodeWriteRequest(uncompress(Buffer.concat(chunks))) });
          res.writeHead(204).end();
        } catch (error) {
          receiver?.rejected.push(String(error));
          res.writeHead(400).end("undecodable");
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    receiver = new RemoteWriteReceiver(server, `http://127.0.0.1:${port}${path}`);
    return receiver;
  }

  /** Every series received so far, by name. */
  series(name: string): ReceivedSeries[] {
    return this.requests.flatMap((r) => r.series.filter((s) => s.labels.__name__ === name));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve, reject) => this.server.close((e) => (e ? reject(e) : resolve())));
  }
}
