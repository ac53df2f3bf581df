import { Menu, usePermissions } from 'react-admin';
import SearchIcon from '@mui/icons-material/Search';
import DescriptionIcon from '@mui/icons-material/Description';
import UploadIcon from '@mui/icons-material/UploadFile';
import WorkIcon from '@mui/icons-material/PendingActions';
import LabelIcon from '@mui/icons-material/AccountTree';
import LightbulbIcon from '@mui/icons-material/Lightbulb';
import HubIcon from '@mui/icons-material/Hub';
import GridIcon from '@mui/icons-material/GridOn';
import CompareIcon from '@mui/icons-material/CompareArrows';
import DownloadIcon from '@mui/icons-material/Download';
import GroupIcon from '@mui/icons-material/Group';
import PersonIcon from '@mui/icons-material/Person';
import ManageAccountsIcon from '@mui/icons-material/ManageAccounts';
import AddIcon from '@mui/icons-material/CreateNewFolder';
import ReviewIcon from '@mui/icons-material/RuleFolder';
import RoundsIcon from '@mui/icons-material/FactCheck';

export function AppMenu() {
  const { permissions } = usePermissions<string>();
  return (
    <Menu>
      <Menu.Item to="/search" primaryText="Search" leftIcon={<SearchIcon />} />
      <Menu.Item to="/documents" primaryText="Documents" leftIcon={<DescriptionIcon />} />
      <Menu.Item to="/upload" primaryText="Upload" leftIcon={<UploadIcon />} />
      <Menu.Item to="/jobs" primaryText="Ingest jobs" leftIcon={<WorkIcon />} />
      <Menu.Item to="/codes" primaryText="Codebook" leftIcon={<LabelIcon />} />
      <Menu.Item to="/theories" primaryText="Theories" leftIcon={<LightbulbIcon />} />
      <Menu.Item to="/cmocs" primaryText="CMOCs" leftIcon={<HubIcon />} />
      <Menu.Item to="/triangulation" primaryText="Triangulation" leftIcon={<GridIcon />} />
      <Menu.Item to="/rounds" primaryText="Coding rounds" leftIcon={<RoundsIcon />} />
      <Menu.Item to="/agreement" primaryText="Agreement" leftIcon={<CompareIcon />} />
      <Menu.Item to="/exports" primaryText="Exports" leftIcon={<DownloadIcon />} />
      <Menu.Item to="/import-review" primaryText="Import review" leftIcon={<ReviewIcon />} />
      <Menu.Item to="/members" primaryText="Members" leftIcon={<GroupIcon />} />
      <Menu.Item to="/projects/new" primaryText="New project" leftIcon={<AddIcon />} />
      <Menu.Item to="/account" primaryText="Your account" leftIcon={<PersonIcon />} />
      {permissions === 'admin' && <Menu.Item to="/accounts" primaryText="Accounts" leftIcon={<ManageAccountsIcon />} />}
    </Menu>
  );
}
