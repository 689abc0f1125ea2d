// The compose stack's fixed facts: its own service names and the ports they listen on inside
// their containers (the images' defaults). The compose generator and the stack checks share them.
export const STACK_SERVICES = ["prometheus", "alertmanager", "grafana"] as const;
export const CONTAINER_PORTS = { prometheus: 9090, alertmanager: 9093, grafana: 3000 } as const;
