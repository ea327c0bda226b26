/** The `ManualRouting` the router surface drives. */
export const MANUAL_ROUTING = Symbol('ManualRouting');
