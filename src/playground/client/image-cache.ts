import type { ApiClient } from './api-client.js';

/**
 * Candidate images as `blob:` URLs, fetched once each with the API key (an `<img src>` could not send
 * `Authorization`, so with auth on the page fetches the bytes itself).
 */
export class ImageCache {
  private readonly urls = new Map<string, Promise<string>>();

  constructor(private readonly api: ApiClient) {}

  /** The object URL of an image link of a record. */
  get(link: string): Promise<string> {
    let url = this.urls.get(link);
    if (!url) {
      url = this.api.image(link).then((blob) => URL.createObjectURL(blob));
      url.catch(() => this.urls.delete(link));
      this.urls.set(link, url);
    }
    return url;
  }

  /** Shows an image link in an `<img>` once it is loaded. */
  show(image: HTMLImageElement, link: string): void {
    image.dataset['link'] = link;
    this.get(link).then(
      (url) => {
        if (image.dataset['link'] === link) image.src = url;
      },
      () => {
        image.alt = `${image.alt} (the image could not be loaded)`;
      },
    );
  }
}
