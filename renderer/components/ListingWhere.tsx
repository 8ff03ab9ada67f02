import type { DirectoryListing } from '../../core/api';
import { homeAbbreviated } from '../format';

interface Props {
  listing: DirectoryListing;
  /** Called with the parent folder when the person goes up. */
  up(parent: string): void;
  upTestId?: string;
}

/** A folder listing's header: the parent-folder button (off at the top) and the folder's path, home shown as ~. */
export function ListingWhere({ listing, up, upTestId }: Props) {
  return (
    <div className="browser-where">
      <button type="button" disabled={!listing.parent} onClick={() => listing.parent && up(listing.parent)} data-testid={upTestId} title="Parent folder">
        ↑
      </button>
      <code title={listing.path} data-testid="browser-where">
        {homeAbbreviated(listing.path, listing.home)}
      </code>
    </div>
  );
}
