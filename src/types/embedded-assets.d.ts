// Files imported with `with { type: "file" | "text" }` (embedded by bun build --compile).
declare module "*.sql" {
  const text: string;
  export default text;
}
declare module "*.wasm" {
  const path: string;
  export default path;
}
declare module "*.data" {
  const path: string;
  export default path;
}
declare module "swagger-ui-dist/*" {
  const path: string;
  export default path;
}
declare module "*.css" {
  const text: string;
  export default text;
}
