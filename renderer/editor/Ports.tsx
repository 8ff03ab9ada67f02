import { Handle, Position } from '@xyflow/react';

/**
 * Input handles along the top edge, outputs along the bottom (data flows down, as in the
 * auto-layout). Port names show only when a block has more than one, to keep nodes quiet.
 */
export function Ports({ inputs, outputs, connectable = true }: { inputs: readonly string[]; outputs: readonly string[]; connectable?: boolean }) {
  const at = (i: number, n: number) => `${((i + 1) / (n + 1)) * 100}%`;
  return (
    <>
      {inputs.map((name, i) => (
        <Handle
          key={`i${i}`}
          id={`i${i}`}
          type="target"
          position={Position.Top}
          isConnectable={connectable}
          style={{ left: at(i, inputs.length) }}
          className="port port-in"
          data-testid={`port-in-${i}`}
          title={`input ${name}`}
        >
          {inputs.length > 1 && <span className="port-label">{name}</span>}
        </Handle>
      ))}
      {outputs.map((name, i) => (
        <Handle
          key={`o${i}`}
          id={`o${i}`}
          type="source"
          position={Position.Bottom}
          isConnectable={connectable}
          style={{ left: at(i, outputs.length) }}
          className="port port-out"
          data-testid={`port-out-${i}`}
          title={`output ${name}`}
        >
          {outputs.length > 1 && <span className="port-label">{name}</span>}
        </Handle>
      ))}
    </>
  );
}
