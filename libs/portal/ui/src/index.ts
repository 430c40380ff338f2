export { AppShell, type NavItem, type ShellTheme } from './lib/shell/app-shell';
export {
  DataTable,
  compareCells,
  CellDef,
  type TableColumn,
  type PageRequest,
  type CellContext,
  type SortDir,
  type SortState,
  nextSort,
  sortRows,
} from './lib/table/data-table';
export { FormField, FormControlDirective } from './lib/form/form-field';
export { SearchShortcut } from './lib/form/search-shortcut';
export { Dialog } from './lib/dialog/dialog';
export { FormDialogActions } from './lib/dialog/form-dialog-actions';
export { FormDialog } from './lib/dialog/form-dialog';
export { ConfirmService, type ConfirmOptions } from './lib/dialog/confirm.service';
export { ConfirmHost } from './lib/dialog/confirm-host';
export { confirmedAction, type ConfirmedAction } from './lib/dialog/confirmed-action';
export { Alert, type AlertKind } from './lib/alert/alert';
export { ToastService, type Toast, type ToastKind } from './lib/toast/toast.service';
export { ToastHost } from './lib/toast/toast-host';
export { PageHeader } from './lib/layout/page-header';
export { EmptyState } from './lib/layout/empty-state';
export { Spinner } from './lib/layout/spinner';
export { StatusPage, type StatusPageKind } from './lib/layout/status-page';
export { ListPage } from './lib/list/list-page';
export { Selection } from './lib/list/selection';
export { ImageRef, imageRefParts } from './lib/layout/image-ref';
export { Clock, RelativeTime, TimePipe, formatTime, timeAgo, toDate, type TimeValue } from './lib/time/time';
export { TotpCodeField, TotpQr, RecoveryCodes } from './lib/totp/totp-views';
export { YamlEditor } from './lib/editor/yaml-editor';
export { YamlDiff } from './lib/editor/yaml-diff';
export { CopyText } from './lib/clipboard/copy-text';
