/** A Nest test app listening on a real port. */
export interface NestListening {
  url: string;
  close(): Promise<void>;
}
