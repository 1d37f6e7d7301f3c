/*
 * One store for a page's controls, so its server callback has one input, not one per field.
 *
 *   dash_clientside.lossvizFields.collect(values...)   clientside callback with the input
 *       Input({"type": <field type>, "key": ALL}, "value"); returns the store
 *       {"values": {key: value, ...}, "changed": [key, ...]} (the keys whose change fired it).
 *
 * Dash prepares a callback's inputs per field: with the lab's ~190 fields that was two thirds
 * of its server time (ids stringified, a context built, per request). The server now reads one
 * dictionary. serving/dash_client.py emulates this function for the load benchmark.
 */
(function () {
  "use strict";
  const clientside = (window.dash_clientside = window.dash_clientside || {});

  function changedKeys(triggered) {
    const keys = [];
    for (const item of triggered || []) {
      const propId = item && item.prop_id;
      if (typeof propId !== "string" || !propId.startsWith("{")) continue;
      try {
        const id = JSON.parse(propId.slice(0, propId.lastIndexOf(".")));
        if (typeof id.key === "string") keys.push(id.key);
      } catch (error) {
        /* not a field id */
      }
    }
    return keys;
  }

  function collect() {
    const context = window.dash_clientside.callback_context;
    const values = {};
    for (const item of context.inputs_list[0] || []) {
      values[item.id.key] = item.value === undefined ? null : item.value;
    }
    return { values, changed: changedKeys(context.triggered) };
  }

  clientside.lossvizFields = { collect };
})();
