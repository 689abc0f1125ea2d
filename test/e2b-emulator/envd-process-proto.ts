// The part of E2B's envd `process/process.proto` (package `process`) the emulator serves: Start,
// Connect, List, SendSignal. Declared here from the published proto (same names, numbers and
// JSON names) rather than lifted from the SDK's bundle, so the emulator is an independent
// implementation of the wire protocol the unmodified SDK speaks. PTY, stdin and Update are left
// out: the runtime never uses them, and a request that names them is rejected as unimplemented.
import { create, createFileRegistry, type DescService } from "@bufbuild/protobuf";
import {
  type DescriptorProto,
  DescriptorProtoSchema,
  type FieldDescriptorProto,
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FieldDescriptorProtoSchema,
  FileDescriptorProtoSchema,
} from "@bufbuild/protobuf/wkt";

const T = FieldDescriptorProto_Type;

interface FieldSpec {
  type: FieldDescriptorProto_Type;
  typeName?: string;
  repeated?: boolean;
  /** Index of the real oneof this field belongs to. */
  oneof?: number;
  /** A proto3 `optional` field: it gets its own synthetic oneof `_name`. */
  optional?: boolean;
}

function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function message(
  name: string,
  fields: Readonly<Record<string, readonly [number, FieldSpec]>>,
  extra: { oneofs?: readonly string[]; nested?: readonly DescriptorProto[]; mapEntry?: boolean } = {},
): DescriptorProto {
  const oneofs = [...(extra.oneofs ?? [])];
  const field: FieldDescriptorProto[] = [];
  for (const [fieldName, [number, spec]] of Object.entries(fields)) {
    let oneofIndex = spec.oneof;
    if (spec.optional === true) {
      oneofIndex = oneofs.length;
      oneofs.push(`_${fieldName}`);
    }
    field.push(
      create(FieldDescriptorProtoSchema, {
        name: fieldName,
        number,
        jsonName: camel(fieldName),
        type: spec.type,
        typeName: spec.typeName,
        label: spec.repeated === true ? FieldDescriptorProto_Label.REPEATED : FieldDescriptorProto_Label.OPTIONAL,
        oneofIndex,
        proto3Optional: spec.optional,
      }),
    );
  }
  return create(DescriptorProtoSchema, {
    name,
    field,
    nestedType: [...(extra.nested ?? [])],
    oneofDecl: oneofs.map((n) => ({ name: n })),
    options: extra.mapEntry === true ? { mapEntry: true } : undefined,
  });
}

const msg = (typeName: string): FieldSpec => ({ type: T.MESSAGE, typeName: `.process.${typeName}` });

const file = create(FileDescriptorProtoSchema, {
  name: "process/process.proto",
  package: "process",
  syntax: "proto3",
  messageType: [
    message(
      "ProcessConfig",
      {
        cmd: [1, { type: T.STRING }],
        args: [2, { type: T.STRING, repeated: true }],
        envs: [3, { ...msg("ProcessConfig.EnvsEntry"), repeated: true }],
        cwd: [4, { type: T.STRING, optional: true }],
      },
      {
        nested: [
          message("EnvsEntry", { key: [1, { type: T.STRING }], value: [2, { type: T.STRING }] }, { mapEntry: true }),
        ],
      },
    ),
    message("ListRequest", {}),
    message("ProcessInfo", {
      config: [1, msg("ProcessConfig")],
      pid: [2, { type: T.UINT32 }],
      tag: [3, { type: T.STRING, optional: true }],
    }),
    message("ListResponse", { processes: [1, { ...msg("ProcessInfo"), repeated: true }] }),
    message("StartRequest", {
      process: [1, msg("ProcessConfig")],
      tag: [3, { type: T.STRING, optional: true }],
      stdin: [4, { type: T.BOOL, optional: true }],
    }),
    message(
      "ProcessEvent",
      {
        start: [1, { ...msg("ProcessEvent.StartEvent"), oneof: 0 }],
        data: [2, { ...msg("ProcessEvent.DataEvent"), oneof: 0 }],
        end: [3, { ...msg("ProcessEvent.EndEvent"), oneof: 0 }],
        keepalive: [4, { ...msg("ProcessEvent.KeepAlive"), oneof: 0 }],
      },
      {
        oneofs: ["event"],
        nested: [
          message("StartEvent", { pid: [1, { type: T.UINT32 }] }),
          message(
            "DataEvent",
            {
              stdout: [1, { type: T.BYTES, oneof: 0 }],
              stderr: [2, { type: T.BYTES, oneof: 0 }],
              pty: [3, { type: T.BYTES, oneof: 0 }],
            },
            { oneofs: ["output"] },
          ),
          message("EndEvent", {
            exit_code: [1, { type: T.SINT32 }],
            exited: [2, { type: T.BOOL }],
            status: [3, { type: T.STRING }],
            error: [4, { type: T.STRING, optional: true }],
          }),
          message("KeepAlive", {}),
        ],
      },
    ),
    message("StartResponse", { event: [1, msg("ProcessEvent")] }),
    message("ConnectRequest", { process: [1, msg("ProcessSelector")] }),
    message("ConnectResponse", { event: [1, msg("ProcessEvent")] }),
    message("SendSignalRequest", {
      process: [1, msg("ProcessSelector")],
      signal: [2, { type: T.ENUM, typeName: ".process.Signal" }],
    }),
    message("SendSignalResponse", {}),
    message(
      "ProcessSelector",
      { pid: [1, { type: T.UINT32, oneof: 0 }], tag: [2, { type: T.STRING, oneof: 0 }] },
      { oneofs: ["selector"] },
    ),
  ],
  enumType: [
    {
      name: "Signal",
      value: [
        { name: "SIGNAL_UNSPECIFIED", number: 0 },
        { name: "SIGNAL_SIGTERM", number: 15 },
        { name: "SIGNAL_SIGKILL", number: 9 },
      ],
    },
  ],
  service: [
    {
      name: "Process",
      method: [
        { name: "List", inputType: ".process.ListRequest", outputType: ".process.ListResponse" },
        {
          name: "Connect",
          inputType: ".process.ConnectRequest",
          outputType: ".process.ConnectResponse",
          serverStreaming: true,
        },
        {
          name: "Start",
          inputType: ".process.StartRequest",
          outputType: ".process.StartResponse",
          serverStreaming: true,
        },
        { name: "SendSignal", inputType: ".process.SendSignalRequest", outputType: ".process.SendSignalResponse" },
      ],
    },
  ],
});

function processService(): DescService {
  const service = createFileRegistry(file, () => undefined).getService("process.Process");
  if (service === undefined) throw new Error("process.Process missing from its own descriptor");
  return service;
}

export const ProcessService = processService();

/** The shapes of the messages the emulator reads and writes (the registry's types are untyped). */
export interface ProcessConfigShape {
  cmd: string;
  args: string[];
  envs: Record<string, string>;
  cwd?: string;
}
export interface ProcessSelectorShape {
  selector: { case: "pid"; value: number } | { case: "tag"; value: string } | { case: undefined; value?: undefined };
}
export type ProcessEventShape =
  | { case: "start"; value: { pid: number } }
  | { case: "data"; value: { output: { case: "stdout" | "stderr"; value: Uint8Array } } }
  | { case: "end"; value: { exitCode: number; exited: boolean; status: string; error?: string } };
