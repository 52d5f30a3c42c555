// @aws-lite/dynamodb ships no types (they are the separate @aws-lite/dynamodb-types); the client takes the
// plugin as it is, and table-client.ts types the calls the dedupe makes.
declare module '@aws-lite/dynamodb' {
  const plugin: object;
  export default plugin;
}
